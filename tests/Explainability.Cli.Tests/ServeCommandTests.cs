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

    [Fact]
    public async Task Viewer_and_metrics_listen_on_the_addresses_given_and_the_start_line_names_them()
    {
        using var temp = new TempFolder();

        // Other addresses of the loopback range stand in for a pod's address here (the default is 127.0.0.1 only).
        await using var server = await ServerProcess.StartAsync(
            Path.Combine(temp.Path, "ledger.db"), "--viewer-port", "0", "--viewer-address", "127.0.0.3", "--metrics-port", "0", "--metrics-address", "127.0.0.2");

        Assert.Matches(@"; viewer http://127\.0\.0\.3:\d+/explanations; metrics http://127\.0\.0\.2:\d+/metrics; ", server.StartLine);
        Assert.Equal("127.0.0.2", server.MetricsUrl!.Host);
        using var http = new HttpClient();
        Assert.Contains("# TYPE", await http.GetStringAsync(server.MetricsUrl), StringComparison.Ordinal);
    }

    [Fact]
    public void A_metrics_address_that_is_no_IP_address_is_refused_naming_the_option()
    {
        var run = CliRun.Of("serve", "--port", "0", "--metrics-port", "0", "--metrics-address", "pod-ip");

        Assert.Equal((2, "error: --metrics-address 'pod-ip' is not an IP address such as 127.0.0.1, 0.0.0.0 or ::1"), (run.Code, run.Error.TrimEnd()));
    }
}
