using System.CommandLine;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Microsoft.Extensions.Hosting;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>serve [--models DIR] [--port N] [--max-rows N] [--max-concurrent N] [--max-message-bytes N] [--ledger PATH]
/// [--viewer-port N] [--metrics-port N]</c>: serves the <c>Explainer</c> gRPC service
/// (<c>protos/explainability.proto</c>) over HTTP/2 without TLS on 127.0.0.1 only, recording every explanation served in
/// the SQLite ledger at PATH (default <c>data/ledger.db</c> under the current directory), and with <c>--viewer-port</c> the
/// analysts' HTML viewer on a second port of 127.0.0.1, and with <c>--metrics-port</c> the Prometheus scrape endpoint
/// <c>/metrics</c> on another. Ctrl+C (or SIGTERM) stops it.
/// Port 0 picks a free port; the line printed on start names the port and the ledger.
/// </summary>
internal sealed class ServeCommand(TextWriter output) : ICliCommand
{
    /// <summary>The conventional gRPC port.</summary>
    public const int DefaultPort = 50051;

    public Command Build()
    {
        var models = new Option<string?>("--models") { Description = "Models folder (default: the shipped models/)" };
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1; 0 picks a free one", DefaultValueFactory = _ => DefaultPort }.WholeNumber();
        var maxRows = new Option<int>("--max-rows") { Description = "Most rows one Explain call may carry", DefaultValueFactory = _ => new ExplainabilityServerOptions().MaxRowsPerRequest }.WholeNumber();
        var ledger = new Option<string?>("--ledger") { Description = "The ledger's SQLite file (default: data/ledger.db under the current directory)" };
        var viewerPort = new Option<int?>("--viewer-port") { Description = "Also serve the HTML viewer for analysts on this port of 127.0.0.1 (HTTP/1.1); 0 picks a free one; default: no viewer" }.WholeNumber();
        var maxConcurrent = new Option<int>("--max-concurrent")
        {
            Description = "Most explanations computed at once; one more is refused at once with RESOURCE_EXHAUSTED",
            DefaultValueFactory = _ => ExplainabilityServerOptions.DefaultMaxConcurrentCalls,
        }.WholeNumber();
        var maxMessageBytes = new Option<int>("--max-message-bytes")
        {
            Description = "Largest request message in bytes; a larger one is refused with RESOURCE_EXHAUSTED",
            DefaultValueFactory = _ => new ExplainabilityServerOptions().MaxReceiveMessageBytes,
        }.WholeNumber();
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Also serve the Prometheus scrape endpoint /metrics on this port of 127.0.0.1 (HTTP/1.1); 0 picks a free one; default: none" }.WholeNumber();
        var command = new Command("serve", "Serve the gRPC Explainer service on 127.0.0.1 (HTTP/2, no TLS)") { models, port, maxRows, maxConcurrent, maxMessageBytes, ledger, viewerPort, metricsPort };
        command.SetAction((parse, cancellation) =>
        {
            int? viewer = parse.GetValue(viewerPort), metrics = parse.GetValue(metricsPort);
            RequirePort("--port", parse.GetValue(port));
            RequirePort("--viewer-port", viewer);
            RequirePort("--metrics-port", metrics);
            if (parse.GetValue(maxConcurrent) < 1)
            {
                throw new ArgumentException($"--max-concurrent must be at least 1, got {parse.GetValue(maxConcurrent)}");
            }

            return Run(parse.GetValue(models) ?? RepoPaths.ModelsDirectory(), parse.GetValue(port), new ExplainabilityServerOptions
            {
                MaxRowsPerRequest = parse.GetValue(maxRows),
                MaxConcurrentCalls = parse.GetValue(maxConcurrent),
                MaxReceiveMessageBytes = parse.GetValue(maxMessageBytes),
                LedgerPath = parse.GetValue(ledger) ?? ExplainabilityServerOptions.DefaultLedgerPath,
                ViewerPort = viewer,
                MetricsPort = metrics,
            }, cancellation);
        });
        return command;
    }

    private static void RequirePort(string option, int? port)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"{option} must be between 0 and 65535, got {port}");
        }
    }

    private async Task<int> Run(string modelsDir, int port, ExplainabilityServerOptions options, CancellationToken cancellation)
    {
        int? viewerPort = options.ViewerPort, metricsPort = options.MetricsPort;
        string ledgerPath = options.LedgerPath;

        using var registry = ModelRegistry.LoadDirectory(modelsDir);
        if (registry.Models.Count == 0)
        {
            throw new CliException($"no model folders (with model-card.json) under {modelsDir}");
        }

        await using var app = ExplainabilityServer.Build(registry, port, options);
        try
        {
            await app.StartAsync(cancellation).ConfigureAwait(false);
        }
        catch (IOException e) when (IsAddressInUse(e))
        {
            // Kestrel's message names the address it could not bind.
            if (viewerPort is > 0 && viewerPort != port && e.Message.Contains($"127.0.0.1:{viewerPort}", StringComparison.Ordinal))
            {
                throw new CliException($"viewer port {viewerPort} on 127.0.0.1 is in use; pick another with --viewer-port (0 picks a free one)", e);
            }

            if (metricsPort is > 0 && metricsPort != port && e.Message.Contains($"127.0.0.1:{metricsPort}", StringComparison.Ordinal))
            {
                throw new CliException($"metrics port {metricsPort} on 127.0.0.1 is in use; pick another with --metrics-port (0 picks a free one)", e);
            }

            throw new CliException($"port {port} on 127.0.0.1 is in use; pick another with --port (0 picks a free one)", e);
        }

        string viewer = viewerPort is null ? "" : $"; viewer http://127.0.0.1:{ExplainabilityServer.BoundViewerPort(app)}{Server.Viewer.ViewerEndpoints.ListPath}";
        viewer += metricsPort is null ? "" : $"; metrics http://127.0.0.1:{ExplainabilityServer.BoundMetricsPort(app)}{ExplainabilityServer.MetricsPath}";
        await output.WriteLineAsync(
            $"Serving {string.Join(", ", registry.Models.Select(m => $"{m.Id} {m.Version}"))} on http://127.0.0.1:{ExplainabilityServer.BoundPort(app)} (gRPC, HTTP/2){viewer}; ledger {Path.GetFullPath(ledgerPath)}; Ctrl+C stops.").ConfigureAwait(false);
        await output.FlushAsync(cancellation).ConfigureAwait(false);
        try
        {
            // Stops on Ctrl+C / SIGTERM through the host's console lifetime, or when the command line cancels the action.
            await app.WaitForShutdownAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Kestrel wraps the socket's "address already in use" in an IOException (through AddressInUseException).</summary>
    private static bool IsAddressInUse(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
