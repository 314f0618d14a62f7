using System.Net;
using Explainability.Server.Auth;
using Explainability.Server.Explaining;
using Explainability.Server.Grpc;
using Explainability.Server.Ledger;
using Explainability.Server.Models;
using Explainability.Server.Observability;
using Explainability.Server.Viewer;
using Explainability.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Explainability.Server.Hosting;

/// <summary>
/// Builds the gRPC host: Kestrel on the IPv4 loopback by default, HTTP/2 without TLS (h2c) or over TLS with a configured
/// certificate, the <c>Explainer</c> service behind the <see cref="ErrorInterceptor"/> and the <see cref="AuthInterceptor"/>,
/// the ledger, gRPC health checking (<c>grpc.health.v1.Health</c>) and server reflection, one log line and the metrics of
/// every call (<see cref="CallTelemetryInterceptor"/>), and optionally the analysts' HTML viewer and the Prometheus scrape
/// endpoint, each on an endpoint of its own (HTTP/1.1); with <see cref="ExplainabilityServerOptions.ModelReload"/> hot reload
/// of the models directory (<see cref="ModelDirectoryWatcher"/>).
/// Used by <c>explainability serve</c> and by the integration tests.
/// </summary>
public static partial class ExplainabilityServer
{
    /// <summary>
    /// A host serving <paramref name="registry"/> on <see cref="ExplainabilityServerOptions.Address"/> (default
    /// <c>127.0.0.1</c>) port <paramref name="port"/>; port 0 picks a free port,
    /// readable with <see cref="BoundPort"/> once started. The caller owns <paramref name="registry"/> and disposes it
    /// after the host stops.
    /// </summary>
    /// <param name="registry">The models to serve.</param>
    /// <param name="port">TCP port, 0 for any free one.</param>
    /// <param name="options">Limits; defaults when null.</param>
    /// <param name="views">Projection and rendering; <see cref="ViewService.CreateDefault"/> when null.</param>
    /// <param name="ledger">Where served explanations are recorded; when null, the PostgreSQL ledger of
    /// <see cref="ExplainabilityServerOptions.LedgerPostgres"/> when set, else the SQLite ledger at
    /// <see cref="ExplainabilityServerOptions.LedgerPath"/>, opened here (so a bad ledger fails the build, not the first
    /// call) and closed when the host is disposed. A ledger passed in stays the caller's to dispose.</param>
    /// <exception cref="ArgumentOutOfRangeException">The port is outside 0..65535.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="InvalidDataException">The ledger file or database is not a ledger this server can read.</exception>
    /// <exception cref="LedgerUnavailableException">The ledger file cannot be opened or created, or the PostgreSQL database
    /// cannot be reached.</exception>
    /// <exception cref="FileNotFoundException">The token store does not exist.</exception>
    /// <exception cref="TokenStoreUnavailableException">The PostgreSQL token store cannot be reached or its tables created.</exception>
    public static WebApplication Build(
        ModelRegistry registry, int port, ExplainabilityServerOptions? options = null, ViewService? views = null, IExplanationLedger? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        var settings = (options ?? new ExplainabilityServerOptions()).Validated();
        // Opened before the host, so a missing or foreign token store fails the start and not the first call.
        ITokenStore? tokens = settings.TokenStorePostgres is { } tokensPostgres
            ? PostgresTokenStore.Open(tokensPostgres)
            : settings.TokenStorePath is { } tokensPath ? TokenStore.Open(tokensPath, create: false) : null;
        var authenticator = new BearerAuthenticator(tokens);

        // No command-line arguments and the binaries' folder as content root: the host reads nothing the caller did not pass.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(settings.MinimumLogLevel);
        // One line per entry with its UTC time, so events (refusals, reloads, storage failures) can be dated and correlated.
        const string Timestamp = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
        if (settings.LogFormat == ConsoleLogFormat.Json)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = Timestamp.TrimEnd();
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = Timestamp;
            });
        }

        // The host logs a start failure (a busy port) with its whole stack trace and then throws the same exception to the
        // caller, which reports it in one line; only its critical messages are kept.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        // Grpc.AspNetCore logs every non-OK status with its detail at Information, and a detail may quote a request value;
        // CallTelemetryInterceptor logs each call's status without it.
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning);
        // ASP.NET Core writes four lines per request at Information (request starting/finished, endpoint executing/executed);
        // CallTelemetryInterceptor writes the call's one line with what an operator needs, so those are kept to warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Warning);
        var endpoints = new ServerEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // No limit on a request's whole body: gRPC limits each message (MaxReceiveMessageBytes, RESOURCE_EXHAUSTED), and
            // a long ExplainStream sends far more than Kestrel's default 30,000,000 bytes in total, which would cut it.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(settings.Address, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (settings.TlsCertificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }

                endpoints.Grpc = listen;
            });
            if (settings.ViewerPort is int viewerPort)
            {
                kestrel.Listen(settings.ViewerAddress, viewerPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    if (settings.TlsCertificate is { } certificate)
                    {
                        listen.UseHttps(certificate);
                    }

                    endpoints.Viewer = listen;
                });
            }

            if (settings.MetricsPort is int metricsPort)
            {
                kestrel.Listen(settings.MetricsAddress, metricsPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    endpoints.Metrics = listen;
                });
            }

            kestrel.AddServerHeader = false;
        });
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(authenticator);
        if (tokens is not null)
        {
            // Registered by a factory, so the container closes the store (a PostgreSQL store's pool) with the host.
            builder.Services.AddSingleton(_ => tokens);
        }
        builder.Services.AddSingleton(new ExplanationService(views ?? ViewService.CreateDefault()));
        if (ledger is null)
        {
            // Created by a factory, so the container disposes it with the host.
            builder.Services.AddSingleton<IExplanationLedger>(_ => settings.LedgerPostgres is { } postgres
                ? PostgresExplanationLedger.Open(postgres)
                : SqliteExplanationLedger.Open(settings.LedgerPath, settings.LedgerBusyTimeout));
        }
        else
        {
            builder.Services.AddSingleton(ledger);
        }

        builder.Services.AddSingleton<LedgerService>();
        if (settings.ModelReload is { } reload)
        {
            // Started and stopped with the host, so it stops before the caller disposes the registry.
            builder.Services.AddSingleton(services => new ModelDirectoryWatcher(registry, reload, services.GetRequiredService<ILogger<ModelDirectoryWatcher>>()));
            builder.Services.AddHostedService(services => services.GetRequiredService<ModelDirectoryWatcher>());
        }

        builder.Services.AddSingleton(new CallConcurrencyLimit(settings.MaxConcurrentCalls));
        EnsureThreadsFor(settings);
        if (settings.MetricsPort is not null)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(ExplainabilityMetrics.MeterName)
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        // SERVING while the registry holds a model: the host is built after the models loaded, so it serves from the start;
        // hot reload may remove every model, and the status follows.
        builder.Services.AddGrpcHealthChecks()
            .AddCheck("models", () => registry.Models.Count > 0
                ? HealthCheckResult.Healthy($"{registry.Models.Count} models loaded")
                : HealthCheckResult.Unhealthy("no model is loaded"));
        // The service's own name answers as the server ("") does, so a probe naming the service (grpc_health_probe -service)
        // gets a status rather than NOT_FOUND.
        builder.Services.Configure<global::Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>(health =>
            health.Services.Map(Protos.Explainer.Descriptor.FullName, _ => true));
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpc(grpc =>
        {
            // In this order: telemetry outermost, so it sees the status the error interceptor chose; the error interceptor
            // wraps authentication, so its refusals become status codes and are logged.
            grpc.Interceptors.Add<CallTelemetryInterceptor>();
            grpc.Interceptors.Add<ErrorInterceptor>();
            grpc.Interceptors.Add<AuthInterceptor>();
            grpc.MaxReceiveMessageSize = settings.MaxReceiveMessageBytes;
            grpc.EnableDetailedErrors = false;
        });

        var app = builder.Build();
        _ = app.Services.GetRequiredService<IExplanationLedger>();
        if (!authenticator.Enabled)
        {
            LogAuthenticationOff(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExplainabilityServer)), settings.AllowUnauthenticated);
        }

        if (settings.MetricsPort is not null)
        {
            // The metrics port answers /metrics and nothing else; no other port answers /metrics.
            bool OnMetricsPort(HttpContext context) => context.Connection.LocalPort == endpoints.Metrics?.IPEndPoint?.Port;
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => OnMetricsPort(context) && context.Request.Path == MetricsPath);
            app.Use((context, next) =>
            {
                if (OnMetricsPort(context))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        if (authenticator.Enabled)
        {
            // The token is checked from the headers before a body is read (TokenCheckMiddleware); the interceptor then scopes.
            var tokenLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<AuthInterceptor>();
            app.Use((context, next) => TokenCheckMiddleware.Refused(context, authenticator, tokenLog) ? Task.CompletedTask : next(context));
        }

        if (settings.ViewerPort is not null)
        {
            ViewerEndpoints.Map(app);
        }

        app.MapGrpcService<ExplainerGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "authentication is off (no token store; explicitly allowed: {Allowed}): every caller may use every model and read the ledger; start with a token store to require tokens")]
    private static partial void LogAuthenticationOff(ILogger logger, bool allowed);

    /// <summary>
    /// An explanation blocks its thread (ONNX Runtime, TreeSHAP, the ledger's fsync), and the thread pool adds threads
    /// beyond its minimum (one per core) only about once a second: under a burst, calls would wait in the pool's queue before
    /// reaching <see cref="CallConcurrencyLimit"/>, queued instead of refused. A minimum of two threads per concurrent call
    /// (the call and its parallel rows) plus the cores lets every call over the limit be refused at once. The pool is the
    /// process's: the minimum is only raised.
    /// </summary>
    private static void EnsureThreadsFor(ExplainabilityServerOptions settings)
    {
        int needed = (2 * settings.MaxConcurrentCalls) + Environment.ProcessorCount;
        ThreadPool.GetMinThreads(out int workers, out int io);
        if (workers < needed)
        {
            ThreadPool.SetMinThreads(needed, io);
        }
    }

    /// <summary>The path of the Prometheus scrape endpoint on the metrics port.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The port the started host's metrics endpoint listens on (the one picked when it was built with metrics port 0).</summary>
    /// <exception cref="InvalidOperationException">The host has no metrics endpoint
    /// (<see cref="ExplainabilityServerOptions.MetricsPort"/> was null) or has not started.</exception>
    public static int BoundMetricsPort(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoint = app.Services.GetRequiredService<ServerEndpoints>().Metrics?.IPEndPoint
            ?? throw new InvalidOperationException("the server has no metrics endpoint: set ExplainabilityServerOptions.MetricsPort");
        return endpoint.Port != 0 ? endpoint.Port : throw new InvalidOperationException("the metrics endpoint has no bound port yet; call StartAsync first");
    }

    /// <summary>The port the started host's HTML viewer listens on (the one picked when it was built with viewer port 0).</summary>
    /// <exception cref="InvalidOperationException">The host has no viewer (<see cref="ExplainabilityServerOptions.ViewerPort"/>
    /// was null) or has not started.</exception>
    public static int BoundViewerPort(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoint = app.Services.GetRequiredService<ServerEndpoints>().Viewer?.IPEndPoint
            ?? throw new InvalidOperationException("the server has no viewer: set ExplainabilityServerOptions.ViewerPort");
        return endpoint.Port != 0 ? endpoint.Port : throw new InvalidOperationException("the viewer has no bound port yet; call StartAsync first");
    }

    /// <summary>The gRPC port a started host listens on (the one picked when it was built with port 0).</summary>
    /// <exception cref="InvalidOperationException">The host has not started, so no address is bound yet.</exception>
    public static int BoundPort(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        int port = app.Services.GetRequiredService<ServerEndpoints>().Grpc?.IPEndPoint?.Port ?? 0;
        return port != 0 ? port : throw new InvalidOperationException("the server has no bound address yet; call StartAsync first");
    }
}
