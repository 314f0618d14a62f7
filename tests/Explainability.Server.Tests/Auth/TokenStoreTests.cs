using Explainability.Server.Auth;
using Explainability.Server.Ledger;

namespace Explainability.Server.Tests.Auth;

/// <summary>The shared token-store behaviour (<see cref="TokenStoreBehaviourTests"/>) on SQLite files, and what is the
/// SQLite store's own: the ledger or a file that is no database refused.</summary>
public sealed class TokenStoreTests : TokenStoreBehaviourTests
{
    private readonly List<string> _folders = [];

    protected override string NewStore()
    {
        string folder = Path.GetDirectoryName(ServerFixture.NewLedgerPath())!;
        _folders.Add(folder);
        return Path.Combine(folder, "tokens.db");
    }

    protected override ITokenStore Open(string address) => TokenStore.Open(address, create: true, Clock);

    // The rows may still be in the write-ahead log rather than the file itself.
    protected override byte[] StoredBytes(string address) =>
        [.. File.ReadAllBytes(address), .. File.Exists(address + "-wal") ? File.ReadAllBytes(address + "-wal") : []];

    public override void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string folder in _folders)
        {
            ServerFixture.DeleteFolder(folder);
        }
    }

    [Fact]
    public void A_new_store_file_is_readable_by_its_owner_only()
    {
        string path = NewStore();
        using (var store = Open(path))
        {
            store.Issue("loan-app", TokenScope.Unrestricted);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void The_ledger_or_a_file_that_is_no_database_is_refused_as_a_token_store_and_left_unchanged()
    {
        string ledgerPath = ServerFixture.NewLedgerPath();
        string folder = Path.GetDirectoryName(ledgerPath)!;
        _folders.Add(folder);
        using (SqliteExplanationLedger.Open(ledgerPath))
        {
        }

        string text = Path.Combine(folder, "tokens.txt");
        File.WriteAllText(text, "not a database, but long enough to have a header of its own: " + new string('x', 200));

        var ledger = Assert.Throws<InvalidDataException>(() => TokenStore.Open(ledgerPath, create: false));
        var notDb = Assert.Throws<InvalidDataException>(() => TokenStore.Open(text, create: true));

        Assert.EndsWith("is a SQLite database but not a token store (it has no tokens table); is it the ledger?", ledger.Message, StringComparison.Ordinal);
        Assert.Contains("is not a SQLite database", notDb.Message, StringComparison.Ordinal);
        using (SqliteExplanationLedger.Open(ledgerPath))
        {
            // Still a ledger: the token store added no table to it.
        }
    }
}
