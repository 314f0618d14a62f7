using Explainability.Server.Auth;
using Explainability.Server.Grpc;
using Explainability.Server.Ledger;
using Explainability.Tests.Support;
using Grpc.Core;
using Npgsql;

namespace Explainability.Server.Tests.Auth;

/// <summary>The shared token-store behaviour (<see cref="TokenStoreBehaviourTests"/>) on PostgreSQL, each test in a schema
/// of its own, and what is PostgreSQL's own: two stores on one database (two replicas) that see each other's revocations at
/// once, the ledger in the same schema, replicas creating the tables at once, and a refused login named without the
/// password. Skipped without <c>EXPLAINABILITY_TEST_POSTGRES</c> (see <see cref="PostgresTestDatabase"/>).</summary>
public sealed class PostgresTokenStoreTests : TokenStoreBehaviourTests
{
    private PostgresTestDatabase? _database;

    private PostgresTestDatabase Database => _database ??= PostgresTestDatabase.Require();

    protected override string NewStore() => Database.NewSchema();

    protected override ITokenStore Open(string address) => PostgresTokenStore.Open(address, Clock);

    protected override byte[] StoredBytes(string address) =>
        [.. Database.Query(
            "SELECT convert_to(concat_ws('|', id, client, models, audiences, ledger_read::text, issued_at, revoked_at), 'UTF8') || sha256 FROM tokens;",
            address).SelectMany(row => (byte[])row!)];

    public override void Dispose() => _database?.Dispose();

    [SkippableFact]
    public void A_token_revoked_through_one_store_is_refused_through_another_on_the_same_database_at_once()
    {
        string address = NewStore();
        using var replicaA = PostgresTokenStore.Open(address);
        using var replicaB = PostgresTokenStore.Open(address);
        var authenticatorB = new BearerAuthenticator(replicaB);
        var issued = replicaA.Issue("loan-app", TokenScope.Parse("credit-risk", null, ledgerRead: false));

        // Issued through A: B lets it in on its first call, with its scope.
        var before = authenticatorB.Authenticate("Bearer " + issued.Bearer, null);
        replicaA.Revoke(null, issued.Token.Id);
        var refused = Assert.Throws<UnauthenticatedException>(() => authenticatorB.Authenticate("Bearer " + issued.Bearer, null));

        Assert.Equal(("loan-app", issued.Token.Id), (before.Client, before.TokenId));
        Assert.Equal(["credit-risk"], before.Scope.Models);
        Assert.StartsWith($"the token '{issued.Token.Id}' of client 'loan-app' was revoked at ", refused.Message, StringComparison.Ordinal);
        Assert.Equal(replicaA.List().Single().RevokedAt, replicaB.Find(issued.Bearer)!.RevokedAt);
    }

    [SkippableFact]
    public void A_store_that_cannot_be_read_refuses_the_call_as_unavailable_rather_than_let_it_in()
    {
        string address = NewStore();
        using var store = PostgresTokenStore.Open(address);
        var issued = store.Issue("loan-app", TokenScope.Unrestricted);
        Database.Execute("DROP TABLE tokens;", address);

        var e = Assert.Throws<TokenStoreUnavailableException>(() => new BearerAuthenticator(store).Authenticate("Bearer " + issued.Bearer, null));

        Assert.StartsWith($"the token store {store.Location} cannot be read: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.Bearer, e.ToString(), StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unavailable, ErrorInterceptor.ToStatus(e).StatusCode);
    }

    [SkippableFact]
    public void The_token_store_and_the_ledger_share_one_schema_each_with_its_own_version()
    {
        string address = NewStore();
        using var ledger = PostgresExplanationLedger.Open(address);
        using var store = PostgresTokenStore.Open(address);
        using var reopened = PostgresExplanationLedger.Open(address);

        var issued = store.Issue("loan-app", TokenScope.Unrestricted);

        Assert.Equal([1L], Database.Query("SELECT version FROM schema_version;", address).Select(Convert.ToInt64));
        Assert.Equal([1L], Database.Query("SELECT version FROM token_schema_version;", address).Select(Convert.ToInt64));
        Assert.Equal(0, reopened.Count());
        Assert.NotNull(store.Find(issued.Bearer));
    }

    [SkippableFact]
    public async Task Replicas_opening_one_empty_database_at_once_create_the_tables_once_and_share_them()
    {
        string address = NewStore();

        var stores = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => PostgresTokenStore.Open(address))));
        try
        {
            var issued = stores.Select((s, i) => s.Issue($"client-{i}", TokenScope.Unrestricted)).ToList();

            Assert.Equal([1L], Database.Query("SELECT version FROM token_schema_version;", address).Select(Convert.ToInt64));
            Assert.All(stores, s => Assert.Equal(3, s.List().Count));
            Assert.All(issued, t => Assert.Equal(t.Token.Client, stores[0].Find(t.Bearer)!.Client));
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }

    [SkippableFact]
    public void Another_schema_version_is_refused_naming_the_store()
    {
        string address = NewStore();
        using (PostgresTokenStore.Open(address))
        {
        }

        Database.Execute("UPDATE token_schema_version SET version = 99;", address);

        var e = Assert.Throws<InvalidDataException>(() => PostgresTokenStore.Open(address));
        Assert.EndsWith("has schema version 99; this server reads version 1", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("token store postgresql://", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_refused_login_is_unavailable_naming_host_port_database_and_user_but_not_the_password()
    {
        var settings = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Password = "wrong-" + Guid.NewGuid().ToString("N") };

        var e = Assert.Throws<TokenStoreUnavailableException>(() => PostgresTokenStore.Open(settings.ConnectionString));

        Assert.StartsWith($"the token store postgresql://{settings.Username}@{settings.Host}:{settings.Port}/{settings.Database} cannot be opened: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(settings.Password, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_repeating_it()
    {
        var e = Assert.Throws<ArgumentException>(() => PostgresTokenStore.Open("Host=db;Password=s3cret;Colour=blue"));

        Assert.StartsWith("the token store's PostgreSQL connection string is malformed: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }
}
