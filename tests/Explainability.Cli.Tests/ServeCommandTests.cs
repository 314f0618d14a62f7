using System.Net;
using System.Net.Sockets;

namespace Explainability.Cli.Tests;

public sealed class ServeCommandTests
{
    [Fact]
    public void Busy_port_exits_2_with_one_line_naming_the_port()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        int port = ((IPEndPoint)busy.LocalEndpoint).Port;

        using var temp = new TempFolder();

        var run = CliRun.Of(
            "serve", "--models", Path.Combine(RepoRoot.Path, "models"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--ledger", Path.Combine(temp.Path, "ledger.db"));

        Assert.Equal(2, run.Code);
        Assert.Equal($"error: port {port} on 127.0.0.1 is in use; pick another with --port (0 picks a free one)", run.Error.TrimEnd());
        Assert.Empty(run.Output);
    }

    [Fact]
    public void Busy_viewer_port_exits_2_naming_the_viewer_port()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        string port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var temp = new TempFolder();

        var run = CliRun.Of(
            "serve", "--models", Path.Combine(RepoRoot.Path, "models"), "--port", "0", "--viewer-port", port, "--ledger", Path.Combine(temp.Path, "ledger.db"));

        Assert.Equal(2, run.Code);
        Assert.Equal($"error: viewer port {port} on 127.0.0.1 is in use; pick another with --viewer-port (0 picks a free one)", run.Error.TrimEnd());
        Assert.Empty(run.Output);
    }

    [Fact]
    public void Busy_metrics_port_exits_2_naming_the_metrics_port()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        string port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var temp = new TempFolder();

        var run = CliRun.Of(
            "serve", "--models", Path.Combine(RepoRoot.Path, "models"), "--port", "0", "--metrics-port", port, "--ledger", Path.Combine(temp.Path, "ledger.db"));

        Assert.Equal(2, run.Code);
        Assert.Equal($"error: metrics port {port} on 127.0.0.1 is in use; pick another with --metrics-port (0 picks a free one)", run.Error.TrimEnd());
    }

    [Fact]
    public void Zero_concurrent_calls_exits_2_naming_the_option()
    {
        using var temp = new TempFolder();

        var run = CliRun.Of("serve", "--models", Path.Combine(RepoRoot.Path, "models"), "--port", "0", "--max-concurrent", "0", "--ledger", Path.Combine(temp.Path, "ledger.db"));

        Assert.Equal(2, run.Code);
        Assert.Equal("error: --max-concurrent must be at least 1, got 0", run.Error.TrimEnd());
    }
}
