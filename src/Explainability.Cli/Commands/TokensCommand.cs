using System.CommandLine;
using System.Globalization;
using Explainability.Server.Auth;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>tokens issue|revoke|list [--store PATH | --postgres CONNECTION]</c>: manages the consuming systems' bearer tokens in a
/// token store, a SQLite file (<see cref="TokenStore"/>, default <c>data/tokens.db</c> under the current directory) for
/// <c>serve --tokens</c>, or a PostgreSQL database (<see cref="PostgresTokenStore"/>; an Npgsql connection string without its
/// password, which comes from <c>PGPASSWORD</c> or a password file) for <c>serve --tokens-postgres</c>.
/// <c>issue --client NAME [--models a,b] [--audiences x,y] [--ledger-read]</c> creates the store when absent and prints the
/// new token once (only its SHA-256 is kept); <c>revoke --client NAME | --id ID</c> revokes, effective on a running
/// server's next call (on every replica's sharing a PostgreSQL store); <c>list</c> shows every token by its public id, never a token or hash.
/// </summary>
internal sealed class TokensCommand(TextWriter output) : ICliCommand
{
    public Command Build()
    {
        var command = new Command("tokens", "Issue, revoke and list the bearer tokens of consuming systems (for serve --tokens or --tokens-postgres)");
        command.Subcommands.Add(BuildIssue());
        command.Subcommands.Add(BuildRevoke());
        command.Subcommands.Add(BuildList());
        return command;
    }

    /// <summary>The option name of the PostgreSQL token store.</summary>
    public const string PostgresName = "--postgres";

    private static Option<string?> StoreOption() =>
        new("--store") { Description = "The token store's file (default: data/tokens.db under the current directory)" };

    private static Option<string?> PostgresOption() => new(PostgresName)
    {
        Description = "The token store in PostgreSQL instead of a file (for serve --tokens-postgres): an Npgsql connection string; the password from PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass), not here",
    };

    /// <summary>The PostgreSQL store of <paramref name="postgres"/> (its tables created when absent), or else the file of
    /// <paramref name="store"/>, created when <paramref name="create"/>.</summary>
    /// <exception cref="ArgumentException">Both are given, or the connection string holds a password.</exception>
    private static ITokenStore Open(ParseResult parse, Option<string?> store, Option<string?> postgres, bool create) =>
        LedgerOptions.RequirePostgres(parse.GetValue(store), parse.GetValue(postgres), "--store", PostgresName) is { } connection
            ? PostgresTokenStore.Open(connection)
            : TokenStore.Open(parse.GetValue(store) ?? TokenStore.DefaultPath, create);

    private Command BuildIssue()
    {
        var store = StoreOption();
        var postgres = PostgresOption();
        var client = new Option<string>("--client") { Description = "Name of the consuming system, recorded in the ledger for its calls", Required = true };
        var models = new Option<string?>("--models") { Description = "Model ids it may use, comma-separated (default *: every model)" };
        var audiences = new Option<string?>("--audiences") { Description = "Audiences it may request, comma-separated (default *: every audience)" };
        var ledgerRead = new Option<bool>("--ledger-read") { Description = "It may read the ledger: GetExplanation, Render and the HTML viewer" };
        var command = new Command("issue", "Issue a token and print it once") { client, models, audiences, ledgerRead, store, postgres };
        command.SetAction(parse =>
        {
            // The scope is checked before the store is created, so a typo leaves no file behind.
            var scope = TokenScope.Parse(parse.GetValue(models), parse.GetValue(audiences), parse.GetValue(ledgerRead));
            using var tokens = Open(parse, store, postgres, create: true);
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
        var postgres = PostgresOption();
        var client = new Option<string?>("--client") { Description = "Revoke every valid token of this client" };
        var id = new Option<string?>("--id") { Description = "Revoke the token with this id (as tokens list shows it)" };
        var command = new Command("revoke", "Revoke tokens; a running server (every replica on a PostgreSQL store) refuses them from its next call") { client, id, store, postgres };
        command.SetAction(parse =>
        {
            using var tokens = Open(parse, store, postgres, create: false);
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
        var postgres = PostgresOption();
        var command = new Command("list", "List the tokens by id, client, scope and dates (never a token or its hash)") { store, postgres };
        command.SetAction(parse =>
        {
            using var tokens = Open(parse, store, postgres, create: false);
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
