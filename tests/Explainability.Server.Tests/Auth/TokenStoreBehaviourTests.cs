using System.Text;
using Explainability.Server.Auth;

namespace Explainability.Server.Tests.Auth;

/// <summary>
/// What every <see cref="ITokenStore"/> must do, run against each implementation (SQLite, PostgreSQL): a token found only
/// with its exact text, its scope and times read back as issued (after a reopen too), revocation by id and by client with
/// the revocation time, a list oldest first with revocations, an unknown token answered with null, and only the token's
/// SHA-256 stored, never its text.
/// </summary>
public abstract class TokenStoreBehaviourTests : IDisposable
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The clock the stores of a test issue and revoke by; a test moves it.</summary>
    protected SteppedClock Clock { get; } = new(T0);

    /// <summary>Where a new, empty store lives (a file path, a connection string), for <see cref="Open"/>.</summary>
    protected abstract string NewStore();

    /// <summary>Opens (creating when absent) the store at <paramref name="address"/> on <see cref="Clock"/>.</summary>
    protected abstract ITokenStore Open(string address);

    /// <summary>Every byte the store at <paramref name="address"/> keeps of its tokens, as the database holds them.</summary>
    protected abstract byte[] StoredBytes(string address);

    public abstract void Dispose();

    [SkippableFact]
    public void A_token_is_found_only_with_its_exact_text_and_its_record_keeps_scope_and_times_after_a_reopen()
    {
        string address = NewStore();
        NewToken issued, everything;
        using (var store = Open(address))
        {
            issued = store.Issue("loan-app", TokenScope.Parse("credit-risk,card-fraud", "customer", ledgerRead: true));
            Clock.Now = T0.AddTicks(1234567);
            everything = store.Issue("audit-desk", TokenScope.Unrestricted);
        }

        using var reopened = Open(address);
        var found = reopened.Find(issued.Bearer)!;
        var all = reopened.Find(everything.Bearer)!;

        Assert.Equal(issued.Token.Id, found.Id);
        Assert.Equal("loan-app", found.Client);
        Assert.Equal(["credit-risk", "card-fraud"], found.Scope.Models);
        Assert.Equal(["customer"], found.Scope.Audiences);
        Assert.True(found.Scope.LedgerRead);
        Assert.Equal(T0, found.IssuedAt);
        Assert.Null(found.RevokedAt);
        Assert.Equal(("*", "*", true, T0.AddTicks(1234567)), (TokenScope.Format(all.Scope.Models), TokenScope.Format(all.Scope.Audiences), all.Scope.LedgerRead, all.IssuedAt));
        Assert.False(TokenScope.Parse(null, null, ledgerRead: false).LedgerRead);
        Assert.Null(reopened.Find(issued.Bearer[..^1] + (issued.Bearer[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(reopened.Find(issued.Bearer + " "));
        Assert.Null(reopened.Find(issued.Bearer.ToUpperInvariant()));
        Assert.Throws<ArgumentException>(() => reopened.Issue(" padded ", TokenScope.Unrestricted));
        Assert.Throws<ArgumentException>(() => reopened.Issue("", TokenScope.Unrestricted));
        Assert.Throws<ArgumentException>(() => reopened.Issue(new string('c', TokenStore.MaxClientLength + 1), TokenScope.Unrestricted));
    }

    [SkippableFact]
    public void A_token_never_issued_or_of_another_shape_is_not_found()
    {
        using var store = Open(NewStore());
        var issued = store.Issue("loan-app", TokenScope.Unrestricted);
        string neverIssued = BearerToken.Create(BearerToken.NewId());
        // The issued token's id with another secret: the id is found, the hash differs.
        string otherSecret = BearerToken.Create(issued.Token.Id);

        Assert.Null(store.Find(neverIssued));
        Assert.Null(store.Find(otherSecret));
        Assert.Null(store.Find(""));
        Assert.Null(store.Find("not a token"));
        Assert.NotNull(store.Find(issued.Bearer));
    }

    [SkippableFact]
    public void Revoking_by_id_revokes_that_token_and_by_client_every_valid_one_of_it_at_the_clock_time()
    {
        using var store = Open(NewStore());
        var first = store.Issue("loan-app", TokenScope.Unrestricted);
        var second = store.Issue("loan-app", TokenScope.Parse("credit-risk", null, ledgerRead: false));
        var other = store.Issue("audit-desk", TokenScope.Unrestricted);

        Clock.Now = T0.AddMinutes(5);
        var byId = store.Revoke(null, first.Token.Id);
        Clock.Now = T0.AddMinutes(7);
        var byClient = store.Revoke("loan-app", null);

        Assert.Equal([(first.Token.Id, (DateTimeOffset?)T0.AddMinutes(5))], byId.Select(t => (t.Id, t.RevokedAt)));
        // The first token was already revoked: revoking the client revokes only the one still valid.
        Assert.Equal([(second.Token.Id, (DateTimeOffset?)T0.AddMinutes(7))], byClient.Select(t => (t.Id, t.RevokedAt)));
        Assert.Equal(["credit-risk"], byClient[0].Scope.Models);
        Assert.Equal(T0.AddMinutes(5), store.Find(first.Bearer)!.RevokedAt);
        Assert.True(store.Find(second.Bearer)!.IsRevoked);
        Assert.False(store.Find(other.Bearer)!.IsRevoked);

        var again = Assert.Throws<KeyNotFoundException>(() => store.Revoke("loan-app", null));
        var gone = Assert.Throws<KeyNotFoundException>(() => store.Revoke(null, first.Token.Id));
        var unknown = Assert.Throws<KeyNotFoundException>(() => store.Revoke("nobody", null));
        Assert.Equal($"client 'loan-app' has no valid token in {store.Location}", again.Message);
        Assert.Equal($"no valid token has the id '{first.Token.Id}' in {store.Location}", gone.Message);
        Assert.Equal($"client 'nobody' has no valid token in {store.Location}", unknown.Message);
        Assert.Equal(T0.AddMinutes(5), store.Find(first.Bearer)!.RevokedAt);
        Assert.Throws<ArgumentException>(() => store.Revoke(null, null));
        Assert.Throws<ArgumentException>(() => store.Revoke("loan-app", first.Token.Id));
    }

    [SkippableFact]
    public void The_list_has_every_token_oldest_first_with_its_revocation_and_no_secret()
    {
        using var store = Open(NewStore());
        Assert.Empty(store.List());
        Clock.Now = T0.AddSeconds(2);
        var later = store.Issue("b-late", TokenScope.Unrestricted);
        Clock.Now = T0.AddSeconds(1);
        var earlier = store.Issue("a-early", TokenScope.Parse("card-fraud", "fraud-analyst", ledgerRead: false));
        Clock.Now = T0.AddSeconds(3);
        store.Revoke(null, later.Token.Id);

        var list = store.List();

        Assert.Equal(
            [(earlier.Token.Id, "a-early", "card-fraud", "fraud-analyst", false, T0.AddSeconds(1), (DateTimeOffset?)null),
             (later.Token.Id, "b-late", "*", "*", true, T0.AddSeconds(2), T0.AddSeconds(3))],
            list.Select(t => (t.Id, t.Client, TokenScope.Format(t.Scope.Models), TokenScope.Format(t.Scope.Audiences), t.Scope.LedgerRead, t.IssuedAt, t.RevokedAt)));
    }

    [SkippableFact]
    public void Only_the_hash_of_a_token_is_stored_never_its_text()
    {
        string address = NewStore();
        NewToken issued;
        using (var store = Open(address))
        {
            issued = store.Issue("loan-app", TokenScope.Unrestricted);
        }

        byte[] stored = StoredBytes(address);
        string secret = issued.Bearer[(BearerToken.Prefix.Length + BearerToken.IdLength + 1)..];

        Assert.True(stored.AsSpan().IndexOf(BearerToken.Hash(issued.Bearer)) >= 0, "the token's SHA-256 is not stored");
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(issued.Token.Id)) >= 0, "the token's public id is not stored");
        Assert.False(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0, "the token's secret is stored");
        Assert.False(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(issued.Bearer)) >= 0, "the token's text is stored");
    }

    /// <summary>A clock that stands still until a test sets it.</summary>
    protected sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
