using System.CommandLine;
using System.Globalization;
using Explainability.Server.Auth;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>tokens issue|revoke|list [--store PATH]</c>: manages the consuming systems' bearer tokens in a token store
/// (<see cref="TokenStore"/>, default <c>data/tokens.db</c> under the current directory) for <c>serve --tokens</c>.
/// <c>issue --client NAME [--models a,b] [--audiences x,y] [--ledger-read]</c> creates the store when absent and prints the
/// new token once (only its SHA-256 is kept); <c>revoke --client NAME | --id ID</c> revokes, effective on a running
/// server's next call; <c>list</c> shows every token by its public id, never a token or hash.
/// </summary>
internal sealed class TokensCommand(TextWriter output) : ICliCommand
{
    public Command Build()
    {
        var command = new Command("tokens", "Issue, revoke and list the bearer tokens of consuming systems (for serve --tokens)");
        command.Subcommands.Add(BuildIssue());
        command.Subcommands.Add(BuildRevoke());
        command.Subcommands.Add(BuildList());
        return command;
    }

    private static Option<string?> StoreOption() =>
        new("--store") { Description = "The token store's file (default: data/tokens.db under the current directory)" };

    private Command BuildIssue()
    {
        var store = StoreOption();
        var client = new Option<string>("--client") { Description = "Name of the consuming system, recorded in the ledger for its calls", Required = true };
        var models = new Option<string?>("--models") { Description = "Model ids it may use, comma-separated (default *: every model)" };
        var audiences = new Option<string?>("--audiences") { Description = "Audiences it may request, comma-separated (default *: every audience)" };
        var ledgerRead = new Option<bool>("--ledger-read") { Description = "It may read the ledger: GetExplanation, Render and the HTML viewer" };
        var command = new Command("issue", "Issue a token and print it once") { client, models, audiences, ledgerRead, store };
        command.SetAction(parse =>
        {
            // The scope is checked before the store is created, so a typo leaves no file behind.
            var scope = TokenScope.Parse(parse.GetValue(models), parse.GetValue(audiences), parse.GetValue(ledgerRead));
            var tokens = TokenStore.Open(parse.GetValue(store) ?? TokenStore.DefaultPath, create: true);
            var issued = tokens.Issue(parse.GetValue(client)!, scope);
            output.WriteLine($"Issued token {issued.Token.Id} to {issued.Token.Client} ({Describe(issued.Token.Scope)}) in {tokens.Location}.");
            output.WriteLine("The token, shown only now (the store keeps its SHA-256); send it as 'authorization: Bearer <token>':");
            output.WriteLine(issued.Bearer);
            return 0;
        });
        return command;
    }

    private Command BuildRevoke()
    {
        var store = StoreOption();
        var client = new Option<string?>("--client") { Description = "Revoke every valid token of this client" };
        var id = new Option<string?>("--id") { Description = "Revoke the token with this id (as tokens list shows it)" };
        var command = new Command("revoke", "Revoke tokens; a running server refuses them from its next call") { client, id, store };
        command.SetAction(parse =>
        {
            var tokens = TokenStore.Open(parse.GetValue(store) ?? TokenStore.DefaultPath, create: false);
            IReadOnlyList<IssuedToken> revoked;
            try
            {
                revoked = tokens.Revoke(parse.GetValue(client), parse.GetValue(id));
            }
            catch (KeyNotFoundException e)
            {
                throw new CliException(e.Message, e);
            }

            foreach (var token in revoked)
            {
                output.WriteLine($"Revoked token {token.Id} of {token.Client}.");
            }

            return 0;
        });
        return command;
    }

    private Command BuildList()
    {
        var store = StoreOption();
        var command = new Command("list", "List the tokens by id, client, scope and dates (never a token or its hash)") { store };
        command.SetAction(parse =>
        {
            var tokens = TokenStore.Open(parse.GetValue(store) ?? TokenStore.DefaultPath, create: false);
            output.WriteLine("id\tclient\tmodels\taudiences\tledger_read\tissued_at\trevoked_at");
            foreach (var token in tokens.List())
            {
                output.WriteLine(string.Join('\t',
                    token.Id, token.Client, TokenScope.Format(token.Scope.Models), TokenScope.Format(token.Scope.Audiences),
                    token.Scope.LedgerRead ? "yes" : "no", Time(token.IssuedAt), token.RevokedAt is { } at ? Time(at) : "-"));
            }

            return 0;
        });
        return command;
    }

    private static string Describe(TokenScope scope) =>
        $"models {TokenScope.Format(scope.Models)}; audiences {TokenScope.Format(scope.Audiences)}; ledger read {(scope.LedgerRead ? "yes" : "no")}";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
