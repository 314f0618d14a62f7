using Explainability.Server.Ledger;
using Explainability.Tests.Support;
using Npgsql;

namespace Explainability.Server.Tests;

/// <summary>The shared ledger behaviour (<see cref="ExplanationLedgerTests"/>) on PostgreSQL, each test in a schema of its
/// own, and what is PostgreSQL's own: replicas opening one database at once, several ledgers appending to it concurrently,
/// and a refused login that names the database but not the password. Skipped without
/// <c>EXPLAINABILITY_TEST_POSTGRES</c> (see <see cref="PostgresTestDatabase"/>).</summary>
public sealed class PostgresExplanationLedgerTests : ExplanationLedgerTests
{
    private PostgresTestDatabase? _database;

    protected override string DuplicateIdMessage => "duplicate key value violates unique constraint \"explanations_pkey\"";

    protected override string UnknownExplanationMessage => "violates foreign key constraint \"views_explanation_id_fkey\"";

    private PostgresTestDatabase Database => _database ??= PostgresTestDatabase.Require();

    protected override string NewLedger() => Database.NewSchema();

    protected override IExplanationLedger Open(string address) => PostgresExplanationLedger.Open(address);

    protected override void SetSchemaVersion(string address, int version) =>
        Database.Execute($"UPDATE schema_version SET version = {version};", address);

    public override void Dispose() => _database?.Dispose();

    [SkippableFact]
    public async Task Replicas_opening_one_empty_database_at_once_create_the_schema_once_and_share_it()
    {
        string address = NewLedger();

        // As three replicas starting together: each creates the tables if absent, under the advisory lock.
        var ledgers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => PostgresExplanationLedger.Open(address))));
        try
        {
            var records = Enumerable.Range(0, 3).Select(i => Record($"replica-{i}", T0)).ToList();
            var sequences = await Task.WhenAll(ledgers.Select((ledger, i) => Task.Run(() => ledger.Append([records[i]], [View(records[i].Id, "customer", (byte)i)]).Single())));

            Assert.Equal([1L], Database.Query("SELECT version FROM schema_version;", address).Select(Convert.ToInt64));
            Assert.Equal(3, sequences.Distinct().Count());
            Assert.All(ledgers, ledger => Assert.Equal(3, ledger.Count()));
            Assert.All(records, r => Assert.Equal(r.Record, ledgers[0].Find(r.Id)!.Record));
        }
        finally
        {
            foreach (var ledger in ledgers)
            {
                ledger.Dispose();
            }
        }
    }

    [SkippableFact]
    public void A_refused_login_is_unavailable_naming_host_port_database_and_user_but_not_the_password()
    {
        var settings = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Password = "wrong-" + Guid.NewGuid().ToString("N") };

        var e = Assert.Throws<LedgerUnavailableException>(() => PostgresExplanationLedger.Open(settings.ConnectionString));

        Assert.StartsWith($"the ledger postgresql://{settings.Username}@{settings.Host}:{settings.Port}/{settings.Database} cannot be opened: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(settings.Password, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_nobody_listens_for_is_unavailable_within_the_connect_timeout()
    {
        int port = FreePort();
        string address = $"Host=127.0.0.1;Port={port};Database=ledger;Username=explainability;Password=unused;Timeout=2";

        var e = Assert.Throws<LedgerUnavailableException>(() => PostgresExplanationLedger.Open(address));

        Assert.StartsWith($"the ledger postgresql://explainability@127.0.0.1:{port}/ledger cannot be opened: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("unused", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_repeating_it()
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresExplanationLedger.Open("Host=db;Password=s3cret;Colour=blue"));

        Assert.StartsWith("the ledger's PostgreSQL connection string is malformed: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
