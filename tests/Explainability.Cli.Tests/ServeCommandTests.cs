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

        var run = CliRun.Of("serve", "--models", Path.Combine(RepoRoot.Path, "models"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, run.Code);
        Assert.Equal($"error: port {port} on 127.0.0.1 is in use; pick another with --port (0 picks a free one)", run.Error.TrimEnd());
        Assert.Empty(run.Output);
    }
}
