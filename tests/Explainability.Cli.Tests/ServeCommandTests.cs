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

    [Theory]
    [InlineData("--reload-interval")]
    [InlineData("--reload-settle")]
    public void A_zero_reload_time_exits_2_naming_the_option(string option)
    {
        using var temp = new TempFolder();

        var run = CliRun.Of("serve", "--models", Path.Combine(RepoRoot.Path, "models"), "--port", "0", option, "0", "--ledger", Path.Combine(temp.Path, "ledger.db"));

        Assert.Equal(2, run.Code);
        Assert.Equal($"error: {option} must be at least 1 ms, got 0", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Serve_reloads_a_new_card_version_dropped_into_its_models_folder_without_a_restart()
    {
        using var temp = new TempFolder();
        string folder = Path.Combine(temp.Path, "models", "credit-risk");
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(Path.Combine(RepoRoot.Path, "models", "credit-risk")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        await using var server = await ServerProcess.StartWithModelsAsync(
            Path.Combine(temp.Path, "models"), Path.Combine(temp.Path, "ledger.db"), "--reload-interval", "200", "--reload-settle", "300");
        Assert.Contains($"; hot reload of {Path.Combine(temp.Path, "models")} (scan every 200 ms); Ctrl+C stops.", server.StartLine, StringComparison.Ordinal);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address);
        var client = new Protos.Explainer.ExplainerClient(channel);
        var request = new Protos.GetModelRequest { ModelId = "credit-risk" };
        Assert.Equal("1.0.0", (await client.GetModelAsync(request)).Version);

        string card = Path.Combine(folder, "model-card.json");
        await File.WriteAllTextAsync(card + ".tmp", (await File.ReadAllTextAsync(card)).Replace("\"version\": \"1.0.0\"", "\"version\": \"1.0.1\"", StringComparison.Ordinal));
        File.Move(card + ".tmp", card, overwrite: true);

        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string version;
        while ((version = (await client.GetModelAsync(request)).Version) != "1.0.1" && DateTime.UtcNow < limit)
        {
            await Task.Delay(50);
        }

        Assert.Equal("1.0.1", version);
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
