using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Explainability.Server.Hosting;

/// <summary>The Kestrel endpoints of a host, kept so their bound ports can be read once it has started (Kestrel writes the
/// port it picked for port 0 back into the listen options).</summary>
public sealed class ServerEndpoints
{
    /// <summary>The gRPC endpoint (HTTP/2).</summary>
    public ListenOptions? Grpc { get; internal set; }

    /// <summary>The viewer endpoint (HTTP/1.1), or null without a viewer.</summary>
    public ListenOptions? Viewer { get; internal set; }

    /// <summary>The metrics endpoint (HTTP/1.1, <c>/metrics</c>), or null without one.</summary>
    public ListenOptions? Metrics { get; internal set; }
}
