using System.CommandLine;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>serve [--models DIR] [--port N] [--address IP] [--max-rows N] [--max-concurrent N] [--max-message-bytes N] [--max-evaluations N]
/// [--ledger PATH | --ledger-postgres CONNECTION] [--viewer-port N [--viewer-address IP]] [--metrics-port N [--metrics-address IP]] [--tokens PATH | --tokens-postgres CONNECTION | --no-auth] [--tls-cert FILE [--tls-key FILE]
/// [--tls-password-env VAR]] [--reload-interval MS] [--reload-settle MS] [--no-reload] [--log-format text|json]</c>: serves the <c>Explainer</c> gRPC service (<c>protos/explainability.proto</c>) over HTTP/2
/// on 127.0.0.1 by default (without TLS unless <c>--tls-cert</c>), recording every explanation served in the SQLite ledger
/// at PATH (default <c>data/ledger.db</c> under the current directory) or in the PostgreSQL database CONNECTION names (an
/// Npgsql connection string without its password, which comes from <c>PGPASSWORD</c> or a password file; the ledger several
/// replicas share), with <c>--viewer-port</c> the analysts' HTML viewer
/// on a second port of 127.0.0.1 (<c>--viewer-address</c> for another address), and with <c>--metrics-port</c> the
/// Prometheus scrape endpoint <c>/metrics</c> on another (<c>--metrics-address</c>, e.g. <c>0.0.0.0</c> in a pod).
/// With <c>--tokens</c> every call needs a bearer token of that store (<c>tokens issue</c>), with <c>--tokens-postgres</c> of the
/// token store in that PostgreSQL database (shared by replicas, so a revocation reaches each from its next call); without either authentication is
/// off, which a non-loopback <c>--address</c> allows only with <c>--no-auth</c>. Ctrl+C (or SIGTERM) stops it.
/// Hot reload is on unless <c>--no-reload</c>: a new version dropped into the models folder is served without a restart, a
/// broken one is refused with a logged error while the old version keeps serving (<see cref="ModelDirectoryWatcher"/>); the
/// folder is scanned every <c>--reload-interval</c> ms besides file-system events, and a changed model folder is loaded once
/// its files have stayed unchanged for <c>--reload-settle</c> ms.
/// Port 0 picks a free port; the line printed on start names the port and the ledger.
/// </summary>
internal sealed class ServeCommand(TextWriter output) : ICliCommand
{
    /// <summary>The conventional gRPC port.</summary>
    public const int DefaultPort = 50051;

    /// <summary>The option name of the PostgreSQL token store.</summary>
    public const string TokensPostgresName = "--tokens-postgres";

    public Command Build()
    {
        var models = new Option<string?>("--models") { Description = "Models folder (default: the shipped models/)" };
        var port = new Option<int>("--port") { Description = "TCP port of the gRPC endpoint (on --address); 0 picks a free one", DefaultValueFactory = _ => DefaultPort }.WholeNumber();
        var maxRows = new Option<int>("--max-rows") { Description = "Most rows one Explain call may carry", DefaultValueFactory = _ => new ExplainabilityServerOptions().MaxRowsPerRequest }.WholeNumber();
        var ledger = new Option<string?>("--ledger") { Description = "The ledger's SQLite file (default: data/ledger.db under the current directory)" };
        var postgres = LedgerOptions.Postgres();
        var viewerPort = new Option<int?>("--viewer-port") { Description = "Also serve the HTML viewer for analysts on this port (of --viewer-address, default 127.0.0.1; HTTP/1.1); 0 picks a free one; default: no viewer" }.WholeNumber();
        var address = new Option<string>("--address") { Description = "IP address of the gRPC endpoint; a non-loopback one needs --tokens or --no-auth", DefaultValueFactory = _ => "127.0.0.1" };
        var tokens = new Option<string?>("--tokens") { Description = "Token store (made by 'tokens issue'): every call needs a bearer token of it; default: authentication off" };
        var tokensPostgres = new Option<string?>(TokensPostgresName)
        {
            Description = "The token store in PostgreSQL instead of a SQLite file (shared by replicas: a revocation reaches each from its next call): an Npgsql connection string; the password from PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass), not here",
        };
        var noAuth = new Option<bool>("--no-auth") { Description = "Serve without authentication on a non-loopback address: every caller may use every model and read the ledger" };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "HTTPS with this certificate: a PKCS#12 file (.pfx), or a PEM certificate with --tls-key" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "The PEM private key of a PEM --tls-cert" };
        var tlsPasswordEnv = new Option<string?>("--tls-password-env") { Description = "Name of the environment variable holding the certificate's (or PEM key's) password" };
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
        var maxEvaluations = ExplainCommand.MaxEvaluationsOption();
        var viewerAddress = new Option<string>("--viewer-address") { Description = "IP address of the viewer; a non-loopback one needs --tokens or --no-auth", DefaultValueFactory = _ => "127.0.0.1" };
        var metricsAddress = new Option<string>("--metrics-address") { Description = "IP address of /metrics, e.g. 0.0.0.0 for a Prometheus outside the pod; the metrics carry no request data", DefaultValueFactory = _ => "127.0.0.1" };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Also serve the Prometheus scrape endpoint /metrics on this port (of --metrics-address, default 127.0.0.1; HTTP/1.1); 0 picks a free one; default: none" }.WholeNumber();
        var reloadInterval = new Option<int>("--reload-interval")
        {
            Description = "Hot reload: scan the models folder for new, changed or removed model folders every this many milliseconds, besides file-system events",
            DefaultValueFactory = _ => (int)ModelReloadOptions.DefaultPollInterval.TotalMilliseconds,
        }.WholeNumber();
        var reloadSettle = new Option<int>("--reload-settle")
        {
            Description = "Hot reload: load a changed model folder once its files have stayed unchanged this many milliseconds",
            DefaultValueFactory = _ => (int)ModelReloadOptions.DefaultSettleTime.TotalMilliseconds,
        }.WholeNumber();
        var logFormat = new Option<string>("--log-format")
        {
            Description = "Console log: text (one line per entry, UTC time first) or json (one JSON object per line, for a log collector)",
            DefaultValueFactory = _ => "text",
        };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var noReload = new Option<bool>("--no-reload") { Description = "Serve the models loaded at start until the server stops: no hot reload of the models folder" };
        var command = new Command("serve", "Serve the gRPC Explainer service (HTTP/2; TLS with --tls-cert; bearer tokens with --tokens; models hot-reloaded unless --no-reload)")
        {
            models, port, address, maxRows, maxConcurrent, maxMessageBytes, ledger, postgres, viewerPort, viewerAddress, metricsPort, metricsAddress, tokens, tokensPostgres, noAuth, tlsCert, tlsKey, tlsPasswordEnv,
            reloadInterval, reloadSettle, noReload, logFormat, maxEvaluations,
        };
        command.SetAction((parse, cancellation) =>
        {
            RequirePort("--port", parse.GetValue(port));
            RequirePort("--viewer-port", parse.GetValue(viewerPort));
            RequirePort("--metrics-port", parse.GetValue(metricsPort));
            if (parse.GetValue(maxConcurrent) < 1)
            {
                throw new ArgumentException($"--max-concurrent must be at least 1, got {parse.GetValue(maxConcurrent)}");
            }

            bool reload = !parse.GetValue(noReload);
            if (reload && parse.GetValue(reloadInterval) < 1)
            {
                throw new ArgumentException($"--reload-interval must be at least 1 ms, got {parse.GetValue(reloadInterval)}");
            }

            if (reload && parse.GetValue(reloadSettle) < 1)
            {
                throw new ArgumentException($"--reload-settle must be at least 1 ms, got {parse.GetValue(reloadSettle)}");
            }

            string modelsDir = parse.GetValue(models) ?? RepoPaths.ModelsDirectory();
            string? ledgerPostgres = LedgerOptions.RequirePostgres(parse.GetValue(ledger), parse.GetValue(postgres));
            string? tokenStorePostgres = LedgerOptions.RequirePostgres(parse.GetValue(tokens), parse.GetValue(tokensPostgres), "--tokens", TokensPostgresName);
            var options = new ExplainabilityServerOptions
            {
                MaxRowsPerRequest = parse.GetValue(maxRows),
                MaxConcurrentCalls = parse.GetValue(maxConcurrent),
                MaxReceiveMessageBytes = parse.GetValue(maxMessageBytes),
                MaxModelEvaluationsPerRequest = parse.GetValue(maxEvaluations),
                LedgerPath = parse.GetValue(ledger) ?? ExplainabilityServerOptions.DefaultLedgerPath,
                LedgerPostgres = ledgerPostgres,
                ViewerPort = parse.GetValue(viewerPort),
                MetricsPort = parse.GetValue(metricsPort),
                Address = ParseAddress("--address", parse.GetValue(address)!),
                ViewerAddress = ParseAddress("--viewer-address", parse.GetValue(viewerAddress)!),
                MetricsAddress = ParseAddress("--metrics-address", parse.GetValue(metricsAddress)!),
                LogFormat = parse.GetValue(logFormat) == "json" ? ConsoleLogFormat.Json : ConsoleLogFormat.Text,
                TokenStorePath = parse.GetValue(tokens),
                TokenStorePostgres = tokenStorePostgres,
                AllowUnauthenticated = parse.GetValue(noAuth),
                ModelReload = reload
                    ? new ModelReloadOptions
                    {
                        Directory = modelsDir,
                        PollInterval = TimeSpan.FromMilliseconds(parse.GetValue(reloadInterval)),
                        SettleTime = TimeSpan.FromMilliseconds(parse.GetValue(reloadSettle)),
                    }
                    : null,
                TlsCertificate = LoadCertificate(parse.GetValue(tlsCert), parse.GetValue(tlsKey), parse.GetValue(tlsPasswordEnv)),
            };
            return Run(modelsDir, parse.GetValue(port), options, cancellation);
        });
        return command;
    }

    private static System.Net.IPAddress ParseAddress(string option, string text) =>
        System.Net.IPAddress.TryParse(text, out var parsed)
            ? parsed
            : throw new ArgumentException($"{option} '{text}' is not an IP address such as 127.0.0.1, 0.0.0.0 or ::1");

    /// <summary>The address as a URL host: an IPv6 one in brackets.</summary>
    private static string InUrl(System.Net.IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static System.Security.Cryptography.X509Certificates.X509Certificate2? LoadCertificate(string? certificate, string? key, string? passwordVariable)
    {
        if (certificate is null)
        {
            return key is null && passwordVariable is null
                ? null
                : throw new ArgumentException("--tls-key and --tls-password-env need --tls-cert");
        }

        string? password = null;
        if (passwordVariable is not null)
        {
            // The password never appears on the command line (where `ps` shows it), only in the environment.
            password = Environment.GetEnvironmentVariable(passwordVariable)
                ?? throw new ArgumentException($"--tls-password-env: the environment variable {passwordVariable} is not set");
        }

        return TlsCertificate.Load(certificate, key, password);
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
        using var certificate = options.TlsCertificate;
        int? viewerPort = options.ViewerPort, metricsPort = options.MetricsPort;
        string host = options.Address.ToString(), viewerHost = options.ViewerAddress.ToString(), metricsHost = options.MetricsAddress.ToString();

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
            if (viewerPort is > 0 && viewerPort != port && e.Message.Contains($"{InUrl(options.ViewerAddress)}:{viewerPort}", StringComparison.Ordinal))
            {
                throw new CliException($"viewer port {viewerPort} on {viewerHost} is in use; pick another with --viewer-port (0 picks a free one)", e);
            }

            if (metricsPort is > 0 && metricsPort != port && e.Message.Contains($"{InUrl(options.MetricsAddress)}:{metricsPort}", StringComparison.Ordinal))
            {
                throw new CliException($"metrics port {metricsPort} on {metricsHost} is in use; pick another with --metrics-port (0 picks a free one)", e);
            }

            throw new CliException($"port {port} on {host} is in use; pick another with --port (0 picks a free one)", e);
        }

        string scheme = options.TlsCertificate is null ? "http" : "https";
        string hostInUrl = InUrl(options.Address);
        string viewer = viewerPort is null ? "" : $"; viewer {scheme}://{InUrl(options.ViewerAddress)}:{ExplainabilityServer.BoundViewerPort(app)}{Server.Viewer.ViewerEndpoints.ListPath}";
        viewer += metricsPort is null ? "" : $"; metrics http://{InUrl(options.MetricsAddress)}:{ExplainabilityServer.BoundMetricsPort(app)}{ExplainabilityServer.MetricsPath}";
        string ledgerLocation = app.Services.GetRequiredService<Server.Ledger.IExplanationLedger>().Location;
        string auth = app.Services.GetRequiredService<Server.Auth.BearerAuthenticator>().Store is { } store ? $"tokens {store.Location}" : "authentication off";
        string reload = options.ModelReload is { } r
            ? $"hot reload of {Path.GetFullPath(modelsDir)} (scan every {r.PollInterval.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)} ms)"
            : "no hot reload";
        await output.WriteLineAsync(
            $"Serving {string.Join(", ", registry.Models.Select(m => $"{m.Id} {m.Version}"))} on {scheme}://{hostInUrl}:{ExplainabilityServer.BoundPort(app)} (gRPC, HTTP/2){viewer}; ledger {ledgerLocation}; {auth}; {reload}; Ctrl+C stops.").ConfigureAwait(false);
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
