using Explainability.Protos;
using Explainability.Server.Auth;
using Explainability.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace Explainability.Cli.Tests;

/// <summary>
/// The token store on PostgreSQL from the command line: <c>tokens issue|revoke|list --postgres</c> and
/// <c>serve --tokens-postgres</c>, the password never on the command line. The end-to-end test is skipped without
/// <c>EXPLAINABILITY_TEST_POSTGRES</c> (see <see cref="PostgresTestDatabase"/>).
/// </summary>
public sealed class TokensPostgresTests
{
    [SkippableFact]
    public async Task A_server_on_tokens_postgres_refuses_a_token_revoked_by_tokens_revoke_postgres_from_its_next_call_while_it_keeps_running()
    {
        using var database = PostgresTestDatabase.Require();
        var settings = new NpgsqlConnectionStringBuilder(database.NewSchema());
        string password = settings.Password!;
        // The server and the command line get the connection string without the password, and the password through
        // PGPASSWORD, as documented; ledger and tokens share the schema.
        settings.Password = null;
        string connection = settings.ConnectionString;
        string location = $"postgresql://{settings.Username}@{settings.Host}:{settings.Port}/{settings.Database} (search path {settings.SearchPath})";
        var environment = new Dictionary<string, string> { ["PGPASSWORD"] = password };
        using var temp = new TempFolder();

        var issue = await CliProcess.RunAsync(temp.Path, environment, "tokens", "issue", "--client", "loan-app", "--ledger-read", "--postgres", connection);
        var other = await CliProcess.RunAsync(temp.Path, environment, "tokens", "issue", "--client", "audit-desk", "--postgres", connection);
        Assert.Equal((0, ""), (issue.Code, issue.Error));
        string token = issue.Lines[^1], otherToken = other.Lines[^1];
        string id = BearerToken.IdOf(token)!;
        Assert.StartsWith($"Issued token {id} to loan-app (models *; audiences *; ledger read yes) in {location}.", issue.Output, StringComparison.Ordinal);

        await using var server = await ServerProcess.StartOnPostgresAsync(temp.Path, connection, password, "--tokens-postgres", connection);
        Assert.Contains($"; tokens {location};", server.StartLine, StringComparison.Ordinal);
        Assert.DoesNotContain(password, server.StartLine, StringComparison.Ordinal);
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new Explainer.ExplainerClient(channel);
        var withToken = new Metadata { { "authorization", "Bearer " + token } };
        var withOther = new Metadata { { "authorization", "Bearer " + otherToken } };

        Assert.Equal(2, (await client.ListModelsAsync(new ListModelsRequest(), withToken)).Models.Count);
        var revoke = await CliProcess.RunAsync(temp.Path, environment, "tokens", "revoke", "--id", id, "--postgres", connection);
        Assert.Equal((0, $"Revoked token {id} of loan-app."), (revoke.Code, revoke.Output.TrimEnd()));

        // The very next call, on the same running server and connection, is refused.
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ListModelsAsync(new ListModelsRequest(), withToken).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.StartsWith($"the token '{id}' of client 'loan-app' was revoked at ", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, (await client.ListModelsAsync(new ListModelsRequest(), withOther)).Models.Count);
        Assert.False(server.HasExited);

        var list = await CliProcess.RunAsync(temp.Path, environment, "tokens", "list", "--postgres", connection);
        Assert.Equal(0, list.Code);
        Assert.Matches($"^{id}\tloan-app\t\\*\t\\*\tyes\t\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\t\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", list.Lines[1]);
        Assert.Matches("\taudit-desk\t\\*\t\\*\tno\t\\S+\t-$", list.Lines[2]);
    }

    [Fact]
    public void A_password_in_tokens_postgres_or_tokens_postgres_is_refused_naming_the_option_without_echoing_it()
    {
        const string Secret = "hunter2-in-the-token-store";
        string connection = $"Host=127.0.0.1;Database=explainability;Username=explainability;Password={Secret}";

        var serve = CliRun.Of("serve", "--port", "0", "--tokens-postgres", connection);
        var issue = CliRun.Of("tokens", "issue", "--client", "loan-app", "--postgres", connection);
        var revoke = CliRun.Of("tokens", "revoke", "--client", "loan-app", "--postgres", connection);
        var list = CliRun.Of("tokens", "list", "--postgres", connection);

        Assert.Equal(
            (2, "error: --tokens-postgres holds a password, which the command line shows to every user of this machine: remove it and set PGPASSWORD, or put it in a password file (PGPASSFILE or ~/.pgpass)"),
            (serve.Code, serve.Error.TrimEnd()));
        Assert.All([issue, revoke, list], run => Assert.Equal(
            (2, "error: --postgres holds a password, which the command line shows to every user of this machine: remove it and set PGPASSWORD, or put it in a password file (PGPASSFILE or ~/.pgpass)"),
            (run.Code, run.Error.TrimEnd())));
        Assert.All([serve, issue, revoke, list], run => Assert.DoesNotContain(Secret, run.Output + run.Error, StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_store_and_a_postgres_store_together_are_refused()
    {
        using var temp = new TempFolder();
        string store = Path.Combine(temp.Path, "tokens.db");

        var serve = CliRun.Of("serve", "--port", "0", "--tokens", store, "--tokens-postgres", "Host=127.0.0.1;Database=explainability");
        var issue = CliRun.Of("tokens", "issue", "--client", "loan-app", "--store", store, "--postgres", "Host=127.0.0.1;Database=explainability");

        Assert.Equal((2, "error: --tokens (a SQLite file) and --tokens-postgres (a PostgreSQL database) exclude each other: give one"), (serve.Code, serve.Error.TrimEnd()));
        Assert.Equal((2, "error: --store (a SQLite file) and --postgres (a PostgreSQL database) exclude each other: give one"), (issue.Code, issue.Error.TrimEnd()));
        Assert.False(File.Exists(store));
    }

    [Fact]
    public void A_token_database_nobody_listens_for_exits_2_naming_it()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var list = CliRun.Of("tokens", "list", "--postgres", $"Host=127.0.0.1;Port={port};Database=explainability;Username=explainability;Timeout=2");

        Assert.Equal(2, list.Code);
        Assert.StartsWith($"error: the token store postgresql://explainability@127.0.0.1:{port}/explainability cannot be opened: ", list.Error, StringComparison.Ordinal);
    }
}
