using Explainability.Server.Auth;
using Explainability.Server.Ledger;

namespace Explainability.Server.Tests.Auth;

public sealed class TokenStoreTests
{
    [Fact]
    public void The_ledger_or_a_file_that_is_no_database_is_refused_as_a_token_store_and_left_unchanged()
    {
        string ledgerPath = ServerFixture.NewLedgerPath();
        string folder = Path.GetDirectoryName(ledgerPath)!;
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

        ServerFixture.DeleteFolder(folder);
    }

    [Fact]
    public void A_token_is_found_only_with_its_exact_text_and_its_record_keeps_scope_and_times()
    {
        string folder = Path.GetDirectoryName(ServerFixture.NewLedgerPath())!;
        var store = TokenStore.Open(Path.Combine(folder, "tokens.db"), create: true);
        var issued = store.Issue("loan-app", TokenScope.Parse("credit-risk,card-fraud", "customer", ledgerRead: true));

        var found = store.Find(issued.Bearer);

        Assert.Equal(issued.Token.Id, found!.Id);
        Assert.Equal(["credit-risk", "card-fraud"], found.Scope.Models);
        Assert.Equal(["customer"], found.Scope.Audiences);
        Assert.True(found.Scope.LedgerRead);
        Assert.Null(found.RevokedAt);
        Assert.Equal(issued.Token.IssuedAt, found.IssuedAt);
        Assert.Null(store.Find(issued.Bearer[..^1] + (issued.Bearer[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(store.Find(issued.Bearer + " "));
        Assert.Null(store.Find(issued.Bearer.ToUpperInvariant()));
        Assert.Throws<ArgumentException>(() => store.Issue(" padded ", TokenScope.Unrestricted));
        Assert.Throws<ArgumentException>(() => TokenScope.Parse("*,credit-risk", null, ledgerRead: false));
        ServerFixture.DeleteFolder(folder);
    }
}
