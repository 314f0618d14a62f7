using Explainability.Protos;
using Explainability.Server.Auth;
using Grpc.Core;
using Grpc.Net.Client;

namespace Explainability.Cli.Tests;

/// <summary><c>tokens issue|list|revoke</c> and <c>serve --tokens</c>.</summary>
public sealed class TokensCommandTests
{
    [Fact]
    public void Issue_prints_the_token_once_list_never_shows_it_and_revoke_marks_it_revoked()
    {
        using var temp = new TempFolder();
        string store = Path.Combine(temp.Path, "data", "tokens.db");

        var issue = CliRun.Of("tokens", "issue", "--client", "loan-app", "--models", "credit-risk", "--audiences", "customer,data-scientist", "--store", store);
        var other = CliRun.Of("tokens", "issue", "--client", "audit-desk", "--ledger-read", "--store", store);

        Assert.Equal((0, ""), (issue.Code, issue.Error));
        string token = issue.Lines[^1];
        string id = BearerToken.IdOf(token)!;
        Assert.NotNull(id);
        Assert.StartsWith($"Issued token {id} to loan-app (models credit-risk; audiences customer,data-scientist; ledger read no) in {store}.", issue.Output, StringComparison.Ordinal);
        string secret = token[(BearerToken.Prefix.Length + BearerToken.IdLength + 1)..];
        // Only the hash is stored: the secret is nowhere in the file.
        Assert.DoesNotContain(secret, File.ReadAllText(store), StringComparison.Ordinal);

        var list = CliRun.Of("tokens", "list", "--store", store);
        Assert.Equal(0, list.Code);
        Assert.Equal("id\tclient\tmodels\taudiences\tledger_read\tissued_at\trevoked_at", list.Lines[0]);
        Assert.Matches($"^{id}\tloan-app\tcredit-risk\tcustomer,data-scientist\tno\t\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\t-$", list.Lines[1]);
        Assert.Matches("^[0-9a-f]{12}\taudit-desk\t\\*\t\\*\tyes\t", list.Lines[2]);
        Assert.DoesNotContain(secret, list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Lines[^1][(BearerToken.Prefix.Length + BearerToken.IdLength + 1)..], list.Output, StringComparison.Ordinal);

        var revoke = CliRun.Of("tokens", "revoke", "--client", "loan-app", "--store", store);
        Assert.Equal((0, $"Revoked token {id} of loan-app."), (revoke.Code, revoke.Output.TrimEnd()));
        Assert.Matches("\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", CliRun.Of("tokens", "list", "--store", store).Lines[1]);
        Assert.True(TokenStore.Open(store, create: false).Find(token)!.IsRevoked);
        Assert.False(TokenStore.Open(store, create: false).Find(other.Lines[^1])!.IsRevoked);

        var again = CliRun.Of("tokens", "revoke", "--id", id, "--store", store);
        Assert.Equal((2, $"error: no valid token has the id '{id}' in {store}"), (again.Code, again.Error.TrimEnd()));
    }

    [Fact]
    public void Bad_scopes_and_a_missing_store_exit_2_and_create_nothing()
    {
        using var temp = new TempFolder();
        string store = Path.Combine(temp.Path, "tokens.db");

        var audience = CliRun.Of("tokens", "issue", "--client", "x", "--audiences", "customer,regulator", "--store", store);
        var empty = CliRun.Of("tokens", "issue", "--client", "x", "--models", "credit-risk,,card-fraud", "--store", store);
        var list = CliRun.Of("tokens", "list", "--store", store);
        var both = CliRun.Of("tokens", "revoke", "--store", store);
        // A blank list (a script's unset variable) must not issue a token for every model or audience.
        var blankModels = CliRun.Of("tokens", "issue", "--client", "x", "--models", " ", "--store", store);
        var blankAudiences = CliRun.Of("tokens", "issue", "--client", "x", "--audiences", "", "--store", store);

        Assert.Equal((2, "error: --audiences: unknown audience 'regulator'; expected data-scientist, business-manager, fraud-analyst, customer or *"), (audience.Code, audience.Error.TrimEnd()));
        Assert.Equal(2, empty.Code);
        Assert.Contains("has an empty entry", empty.Error, StringComparison.Ordinal);
        Assert.Equal(2, list.Code);
        Assert.StartsWith($"error: token store {store} does not exist", list.Error, StringComparison.Ordinal);
        Assert.Equal(2, both.Code);
        Assert.Equal((2, "error: --models is empty; give names separated by commas, or * for every one (leaving the option out also means *)"), (blankModels.Code, blankModels.Error.TrimEnd()));
        Assert.Equal(2, blankAudiences.Code);
        Assert.StartsWith("error: --audiences is empty", blankAudiences.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(store));
    }

    [Fact]
    public void Serve_on_a_non_loopback_address_without_tokens_or_no_auth_exits_2()
    {
        using var temp = new TempFolder();

        var run = CliRun.Of("serve", "--models", Path.Combine(RepoRoot.Path, "models"), "--port", "0", "--address", "0.0.0.0", "--ledger", Path.Combine(temp.Path, "ledger.db"));

        Assert.Equal(2, run.Code);
        Assert.StartsWith("error: listening on 0.0.0.0, which is not a loopback address, without a token store: give one (--tokens PATH", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_tokens_refuses_calls_without_one_and_records_the_issued_client()
    {
        using var temp = new TempFolder();
        string store = Path.Combine(temp.Path, "tokens.db");
        string token = CliRun.Of("tokens", "issue", "--client", "loan-app", "--ledger-read", "--store", store).Lines[^1];

        await using var server = await ServerProcess.StartAsync(Path.Combine(temp.Path, "ledger.db"), "--tokens", store);
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new Explainer.ExplainerClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ListModelsAsync(new ListModelsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        var models = await client.ListModelsAsync(new ListModelsRequest(), new Metadata { { "authorization", "Bearer " + token } });
        Assert.Equal(2, models.Models.Count);
    }
}
