using Npgsql;

namespace Explainability.Tests.Support;

/// <summary>
/// The PostgreSQL database the ledger's PostgreSQL tests use: <c>EXPLAINABILITY_TEST_POSTGRES</c>, an Npgsql connection
/// string (<c>.ci/run</c> starts a throwaway cluster and sets it). Without it the tests skip, saying why, unless
/// <c>EXPLAINABILITY_REQUIRE_POSTGRES=1</c> (as <c>.ci/run</c> sets when it started one), which makes its absence a
/// failure. Each test works in a schema of its own, dropped when it is disposed.
/// </summary>
internal sealed class PostgresTestDatabase : IDisposable
{
    /// <summary>The connection string of the test database.</summary>
    public const string Variable = "EXPLAINABILITY_TEST_POSTGRES";

    /// <summary>Set to <c>1</c> to fail instead of skip when <see cref="Variable"/> is missing.</summary>
    public const string RequireVariable = "EXPLAINABILITY_REQUIRE_POSTGRES";

    private readonly List<string> _schemas = [];

    private PostgresTestDatabase(string connectionString) => ConnectionString = connectionString;

    /// <summary>The test database's connection string, password included.</summary>
    public string ConnectionString { get; }

    /// <summary>The test database; skips the calling <c>[SkippableFact]</c> when none is configured and none is required.</summary>
    public static PostgresTestDatabase Require()
    {
        string? connectionString = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrWhiteSpace(connectionString) && Environment.GetEnvironmentVariable(RequireVariable) != "1",
            $"{Variable} is not set: the PostgreSQL ledger tests need a database (bash .ci/run starts a throwaway cluster from Debian's 'postgresql'); set {RequireVariable}=1 to make its absence a failure");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Fail($"{Variable} is not set but {RequireVariable}=1: give the Npgsql connection string of a database these tests may create schemas in (.ci/run starts one when Debian's 'postgresql' is installed)");
        }

        return new PostgresTestDatabase(connectionString!);
    }

    /// <summary>Creates an empty schema and returns the connection string that puts the ledger's tables in it.</summary>
    public string NewSchema()
    {
        string schema = "ledger_test_" + Guid.NewGuid().ToString("N");
        Execute($"CREATE SCHEMA {schema};");
        _schemas.Add(schema);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="connectionString"/> (default: the test database) and returns the
    /// first column of every row.</summary>
    public List<object?> Query(string sql, string? connectionString = null)
    {
        using var connection = new NpgsqlConnection(connectionString ?? ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var values = new List<object?>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        }

        return values;
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="connectionString"/> (default: the test database).</summary>
    public void Execute(string sql, string? connectionString = null)
    {
        using var connection = new NpgsqlConnection(connectionString ?? ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Drops the schemas <see cref="NewSchema"/> created.</summary>
    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (string schema in _schemas)
        {
            Execute($"DROP SCHEMA IF EXISTS {schema} CASCADE;");
        }
    }
}
