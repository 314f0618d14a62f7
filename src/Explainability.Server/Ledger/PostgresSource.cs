using Npgsql;

namespace Explainability.Server.Ledger;

/// <summary>What the server's PostgreSQL stores (the ledger, the token store) share: the data source built from a
/// connection string, durable at commit, and the description of the database that a message may show.</summary>
internal static class PostgresSource
{
    /// <summary>
    /// A data source for <paramref name="connectionString"/> whose connections commit with <c>synchronous_commit=on</c>
    /// (whatever the server's or the role's default says; a role may have it off for speed), named
    /// <paramref name="applicationName"/> unless the connection string names one.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="what">The store, as a message names it (<c>ledger</c>, <c>token store</c>).</param>
    /// <param name="applicationName">The <c>application_name</c> the database shows for the connections.</param>
    /// <param name="location">The database as <see cref="Describe"/> names it, without the password.</param>
    /// <exception cref="ArgumentException">The connection string is malformed; the message does not repeat it, as it may
    /// hold a password.</exception>
    public static NpgsqlDataSource Build(string connectionString, string what, string applicationName, out string location)
    {
        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The provider's message names the keyword or value; the connection string itself is not repeated, as it may
            // hold a password.
            throw new ArgumentException($"the {what}'s PostgreSQL connection string is malformed: {e.Message}");
        }

        var settings = builder.ConnectionStringBuilder;
        location = Describe(settings);
        settings.Options = string.IsNullOrWhiteSpace(settings.Options) ? "-c synchronous_commit=on" : settings.Options + " -c synchronous_commit=on";
        settings.ApplicationName ??= applicationName;
        return builder.Build();
    }

    /// <summary>
    /// Runs <paramref name="tables"/> (<c>CREATE ... IF NOT EXISTS</c>, with a version table <paramref name="versionTable"/>)
    /// and writes <paramref name="version"/> into it or checks the one there, in one transaction under the transaction-scoped
    /// advisory lock <paramref name="lockKey"/>, so replicas starting at once neither race on <c>CREATE TABLE</c> nor write
    /// the version twice. The tables go into the first schema of the connection's search path.
    /// </summary>
    /// <exception cref="InvalidDataException">The database has another schema version; the message names
    /// <paramref name="what"/> and <paramref name="location"/>.</exception>
    /// <exception cref="NpgsqlException">The statements fail.</exception>
    public static void CreateOrCheckSchema(
        NpgsqlConnection connection, long lockKey, string tables, string versionTable, int version, string what, string location)
    {
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({lockKey});", connection, transaction))
        {
            command.ExecuteNonQuery();
        }

        using (var command = new NpgsqlCommand(tables, connection, transaction))
        {
            command.ExecuteNonQuery();
        }

        LedgerRows.WriteOrCheckSchemaVersion(connection, transaction, version, what, location, versionTable);
        transaction.Commit();
    }

    /// <summary><c>postgresql://USER@HOST:PORT/DATABASE</c>, with the search path when set: what a message may show.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder settings)
    {
        string user = string.IsNullOrEmpty(settings.Username) ? "" : settings.Username + "@";
        string path = string.IsNullOrEmpty(settings.SearchPath) ? "" : $" (search path {settings.SearchPath})";
        return $"postgresql://{user}{settings.Host ?? "localhost"}:{settings.Port}/{settings.Database ?? settings.Username ?? ""}{path}";
    }
}
