using System.CommandLine;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Microsoft.Extensions.Hosting;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>serve [--models DIR] [--port N] [--max-rows N] [--ledger PATH] [--viewer-port N]</c>: serves the <c>Explainer</c> gRPC service
/// (<c>protos/explainability.proto</c>) over HTTP/2 without TLS on 127.0.0.1 only, recording every explanation served in
/// the SQLite ledger at PATH (default <c>data/ledger.db</c> under the current directory), and with <c>--viewer-port</c> the
/// analysts' HTML viewer on a second port of 127.0.0.1. Ctrl+C (or SIGTERM) stops it.
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
        var command = new Command("serve", "Serve the gRPC Explainer service on 127.0.0.1 (HTTP/2, no TLS)") { models, port, maxRows, ledger, viewerPort };
        command.SetAction((parse, cancellation) => Run(
            parse.GetValue(models) ?? RepoPaths.ModelsDirectory(), parse.GetValue(port), parse.GetValue(maxRows),
            parse.GetValue(ledger) ?? ExplainabilityServerOptions.DefaultLedgerPath, parse.GetValue(viewerPort), cancellation));
        return command;
    }

    private async Task<int> Run(string modelsDir, int port, int maxRows, string ledgerPath, int? viewerPort, CancellationToken cancellation)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"--port must be between 0 and 65535, got {port}");
        }

        if (viewerPort is < 0 or > 65535)
        {
            throw new ArgumentException($"--viewer-port must be between 0 and 65535, got {viewerPort}");
        }

        using var registry = ModelRegistry.LoadDirectory(modelsDir);
        if (registry.Models.Count == 0)
        {
            throw new CliException($"no model folders (with model-card.json) under {modelsDir}");
        }

        await using var app = ExplainabilityServer.Build(
            registry, port, new ExplainabilityServerOptions { MaxRowsPerRequest = maxRows, LedgerPath = ledgerPath, ViewerPort = viewerPort });
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

            throw new CliException($"port {port} on 127.0.0.1 is in use; pick another with --port (0 picks a free one)", e);
        }

        string viewer = viewerPort is null ? "" : $"; viewer http://127.0.0.1:{ExplainabilityServer.BoundViewerPort(app)}{Server.Viewer.ViewerEndpoints.ListPath}";
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
