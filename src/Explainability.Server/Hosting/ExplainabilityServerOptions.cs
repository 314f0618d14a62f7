using Microsoft.Extensions.Logging;

namespace Explainability.Server.Hosting;

/// <summary>Limits and settings of the gRPC server.</summary>
public sealed record ExplainabilityServerOptions
{
    /// <summary>Most rows one <c>Explain</c> call may carry; more is refused with <c>ResourceExhausted</c>.</summary>
    public int MaxRowsPerRequest { get; init; } = 10_000;

    /// <summary>
    /// Most model evaluations (hybrid rows run through ONNX Runtime) one <c>Explain</c> call with a model-agnostic method may
    /// need, estimated before anything runs from the rows, the budget, the players and the background; more is refused with
    /// <c>ResourceExhausted</c> naming the estimate, so one request cannot hold the server's cores for hours. Default
    /// 50,000,000: at the 20-50 microseconds per evaluation measured for credit-risk that is about 17-42 minutes of one core.
    /// </summary>
    public long MaxModelEvaluationsPerRequest { get; init; } = DefaultMaxModelEvaluationsPerRequest;

    /// <summary>The default of <see cref="MaxModelEvaluationsPerRequest"/> (and of the CLI's <c>--max-evaluations</c>).</summary>
    public const long DefaultMaxModelEvaluationsPerRequest = 50_000_000;

    /// <summary>Largest request message in bytes (10,000 rows of 30 features are about 6 MB on the wire).</summary>
    public int MaxReceiveMessageBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Most explanations computed at once (<c>Explain</c> calls, requests of <c>ExplainStream</c>, <c>Compare</c> calls); one
    /// more is refused at once with <c>ResourceExhausted</c> rather than queued, so a burst cannot exhaust the server's
    /// threads or memory. Default <see cref="DefaultMaxConcurrentCalls"/>.
    /// </summary>
    public int MaxConcurrentCalls { get; init; } = DefaultMaxConcurrentCalls;

    /// <summary>The default of <see cref="MaxConcurrentCalls"/> (and of the CLI's <c>--max-concurrent</c>): 4 per core.
    /// An explanation is CPU-bound, so more at once only stretches every call's latency.</summary>
    public static int DefaultMaxConcurrentCalls => 4 * Environment.ProcessorCount;

    /// <summary>Port of the Prometheus scrape endpoint <c>GET /metrics</c> (plain HTTP/1.1, a Kestrel endpoint of its own,
    /// on <see cref="MetricsAddress"/>), 0 for any free port, or null (the default) for none. The metrics are collected
    /// either way.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Address the metrics endpoint listens on; the IPv4 loopback by default.</summary>
    public System.Net.IPAddress MetricsAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>Threads over the rows of one request.</summary>
    public int DegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// The ledger's SQLite file (created with its folder when absent): every explanation served, its views and omission
    /// records, the client and the time. Default <see cref="DefaultLedgerPath"/>: <c>data/ledger.db</c> under the current
    /// directory.
    /// </summary>
    public string LedgerPath { get; init; } = DefaultLedgerPath;

    /// <summary>
    /// The ledger in PostgreSQL instead of <see cref="LedgerPath"/>: an Npgsql connection string (<c>Host=db;Database=ledger;
    /// Username=explainability</c>; the password may come from <c>PGPASSWORD</c> or a password file). The database is the
    /// one state replicas of the server share: run several against it behind a load balancer. Null (the default): SQLite.
    /// See <see cref="Ledger.PostgresExplanationLedger"/>.
    /// </summary>
    public string? LedgerPostgres { get; init; }

    /// <summary>How long a SQLite ledger write waits for a lock held by another process before the call fails with <c>Unavailable</c>.</summary>
    public TimeSpan LedgerBusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>data/ledger.db</c> under the current directory.</summary>
    public static string DefaultLedgerPath => Path.Combine(Environment.CurrentDirectory, "data", "ledger.db");

    /// <summary>Port of the HTML viewer for analysts (plain HTTP/1.1, a Kestrel endpoint of its own; see
    /// <see cref="Viewer.ViewerEndpoints"/>), 0 for any free port, or null (the default) for no viewer.</summary>
    public int? ViewerPort { get; init; }

    /// <summary>Address the viewer listens on; the IPv4 loopback by default, so only this machine reaches it.</summary>
    public System.Net.IPAddress ViewerAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>Address the gRPC endpoint listens on; the IPv4 loopback by default, so only this machine reaches it.</summary>
    public System.Net.IPAddress Address { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>
    /// The token store (<see cref="Auth.TokenStore"/>, a file <c>tokens issue</c> created): when set, every gRPC call and
    /// every viewer page needs a bearer token of it, within its scope. Null (the default), and no
    /// <see cref="TokenStorePostgres"/> either: authentication is off, which is allowed on loopback addresses only (a
    /// warning is logged) unless <see cref="AllowUnauthenticated"/> says so.
    /// </summary>
    public string? TokenStorePath { get; init; }

    /// <summary>
    /// The token store in PostgreSQL (<see cref="Auth.PostgresTokenStore"/>, <c>serve --tokens-postgres</c>): an Npgsql
    /// connection string whose database several replicas share, so a token revoked there is refused by every replica from
    /// its next call. Authentication as with <see cref="TokenStorePath"/>, which it excludes. Its tables are created when
    /// absent. Null (the default): none.
    /// </summary>
    public string? TokenStorePostgres { get; init; }

    /// <summary>Whether a token store is configured (<see cref="TokenStorePath"/> or <see cref="TokenStorePostgres"/>).</summary>
    public bool HasTokenStore => TokenStorePath is not null || TokenStorePostgres is not null;

    /// <summary>Serve without authentication on a non-loopback address (<c>serve --no-auth</c>): every caller on the network
    /// may use every model and read the ledger. Cannot be combined with a token store.</summary>
    public bool AllowUnauthenticated { get; init; }

    /// <summary>The certificate (with its private key) of HTTPS on the gRPC endpoint and the viewer's; null (the default)
    /// for plain HTTP/2 (h2c) and HTTP/1.1.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? TlsCertificate { get; init; }

    /// <summary>
    /// Hot reload of the models directory (<see cref="Models.ModelDirectoryWatcher"/>, run as a hosted service of the server):
    /// a new version dropped in is served without a restart, a broken one refused while the old version keeps serving. Null
    /// (the default here; <c>serve</c> turns it on unless <c>--no-reload</c>): the models loaded at start are served unchanged.
    /// </summary>
    public Models.ModelReloadOptions? ModelReload { get; init; }

    /// <summary>Least severe log level written to the console.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>How the console log is written: <see cref="ConsoleLogFormat.Text"/> (the default), one line per entry
    /// beginning with its UTC time (<c>2026-11-30T17:45:01.123Z info: Category[id] message</c>), or
    /// <see cref="ConsoleLogFormat.Json"/>, one JSON object per line with the time, level, category, event id, message and
    /// every structured field of the message (what a log collector indexes).</summary>
    public ConsoleLogFormat LogFormat { get; init; } = ConsoleLogFormat.Text;

    /// <summary>Throws unless every limit is positive, the ledger path (or connection string) is set, and a non-loopback address has a token store
    /// or <see cref="AllowUnauthenticated"/>.</summary>
    /// <exception cref="ArgumentException">A limit is zero or negative, or the authentication settings conflict; the message names it.</exception>
    public ExplainabilityServerOptions Validated()
    {
        if (MaxModelEvaluationsPerRequest < 1)
        {
            throw new ArgumentException($"MaxModelEvaluationsPerRequest must be at least 1, got {MaxModelEvaluationsPerRequest}");
        }

        if (MaxRowsPerRequest < 1)
        {
            throw new ArgumentException($"MaxRowsPerRequest must be at least 1, got {MaxRowsPerRequest}");
        }

        if (MaxReceiveMessageBytes < 1024)
        {
            throw new ArgumentException($"MaxReceiveMessageBytes must be at least 1024, got {MaxReceiveMessageBytes}");
        }

        if (MaxConcurrentCalls < 1)
        {
            throw new ArgumentException($"MaxConcurrentCalls must be at least 1, got {MaxConcurrentCalls}");
        }

        if (MetricsPort is < 0 or > System.Net.IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"MetricsPort must be between 0 and {System.Net.IPEndPoint.MaxPort}, got {MetricsPort}");
        }

        if (MetricsPort is int metrics && metrics != 0 && metrics == ViewerPort)
        {
            throw new ArgumentException($"MetricsPort and ViewerPort must differ, both are {metrics}");
        }

        if (DegreeOfParallelism < 1)
        {
            throw new ArgumentException($"DegreeOfParallelism must be at least 1, got {DegreeOfParallelism}");
        }

        if (ViewerPort is < 0 or > System.Net.IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"ViewerPort must be between 0 and {System.Net.IPEndPoint.MaxPort}, got {ViewerPort}");
        }

        if (string.IsNullOrWhiteSpace(LedgerPath))
        {
            throw new ArgumentException("LedgerPath must name a file, got an empty path");
        }

        if (LedgerPostgres is not null && string.IsNullOrWhiteSpace(LedgerPostgres))
        {
            throw new ArgumentException("LedgerPostgres must be an Npgsql connection string, got an empty one");
        }

        if (LedgerBusyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"LedgerBusyTimeout must be positive, got {LedgerBusyTimeout}");
        }

        if (TokenStorePath is not null && TokenStorePostgres is not null)
        {
            throw new ArgumentException("--tokens (a SQLite file) and --tokens-postgres (a PostgreSQL database) exclude each other: give one");
        }

        if (TokenStorePostgres is not null && string.IsNullOrWhiteSpace(TokenStorePostgres))
        {
            throw new ArgumentException("TokenStorePostgres must be an Npgsql connection string, got an empty one");
        }

        if (HasTokenStore && AllowUnauthenticated)
        {
            throw new ArgumentException("a token store (--tokens) and serving without authentication (--no-auth) exclude each other");
        }

        if (!HasTokenStore && !AllowUnauthenticated
            && (!System.Net.IPAddress.IsLoopback(Address) || (ViewerPort is not null && !System.Net.IPAddress.IsLoopback(ViewerAddress))))
        {
            var exposed = System.Net.IPAddress.IsLoopback(Address) ? ViewerAddress : Address;
            throw new ArgumentException(
                $"listening on {exposed}, which is not a loopback address, without a token store: give one (--tokens PATH, made by 'tokens issue', or --tokens-postgres CONNECTION), or --no-auth to let every caller on the network in");
        }

        _ = ModelReload?.Validated();

        if (TlsCertificate is { HasPrivateKey: false })
        {
            throw new ArgumentException($"the TLS certificate {TlsCertificate.Subject} has no private key");
        }

        return this;
    }
}

/// <summary>The console log's format (<see cref="ExplainabilityServerOptions.LogFormat"/>; <c>serve --log-format</c>).</summary>
public enum ConsoleLogFormat
{
    /// <summary>One line per entry, UTC timestamp first.</summary>
    Text,

    /// <summary>One JSON object per line (Microsoft.Extensions.Logging's JSON console formatter), UTC timestamp.</summary>
    Json,
}
