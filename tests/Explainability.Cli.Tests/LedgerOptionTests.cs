namespace Explainability.Cli.Tests;

/// <summary><c>--ledger-postgres</c> on <c>serve</c> and <c>render</c>: refused with a password in it, beside
/// <c>--ledger</c>, or without any ledger; an unreachable database is named without its password.</summary>
public sealed class LedgerOptionTests
{
    [Fact]
    public void A_password_on_the_command_line_is_refused_saying_where_it_goes()
    {
        const string Secret = "hunter2-on-the-command-line";

        var serve = CliRun.Of("serve", "--port", "0", "--ledger-postgres", $"Host=127.0.0.1;Database=ledger;Username=explainability;Password={Secret}");
        var render = CliRun.Of("render", "--ledger-postgres", $"Host=127.0.0.1;Password={Secret}", "--id", new string('a', 32), "--audience", "customer");

        Assert.All([serve, render], run => Assert.Equal(
            (2, "error: --ledger-postgres holds a password, which the command line shows to every user of this machine: remove it and set PGPASSWORD, or put it in a password file (PGPASSFILE or ~/.pgpass)"),
            (run.Code, run.Error.TrimEnd())));
    }

    [Fact]
    public void Both_ledgers_or_none_are_refused()
    {
        var both = CliRun.Of("serve", "--port", "0", "--ledger", "ledger.db", "--ledger-postgres", "Host=127.0.0.1;Database=ledger");
        var none = CliRun.Of("render", "--id", new string('a', 32), "--audience", "customer");

        Assert.Equal((2, "error: --ledger (a SQLite file) and --ledger-postgres (a PostgreSQL database) exclude each other: give one"), (both.Code, both.Error.TrimEnd()));
        Assert.Equal((2, "error: give the ledger: --ledger PATH (a SQLite file) or --ledger-postgres CONNECTION (a PostgreSQL database)"), (none.Code, none.Error.TrimEnd()));
    }

    [Fact]
    public void A_database_nobody_listens_for_stops_serve_with_exit_2_naming_it()
    {
        int port = FreePort();

        var run = CliRun.Of("serve", "--port", "0", "--ledger-postgres", $"Host=127.0.0.1;Port={port};Database=ledger;Username=explainability;Timeout=2");

        Assert.Equal(2, run.Code);
        Assert.StartsWith($"error: the ledger postgresql://explainability@127.0.0.1:{port}/ledger cannot be opened: ", run.Error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
