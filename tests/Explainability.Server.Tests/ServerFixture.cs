using Explainability.Core.Data;
using Explainability.Protos;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests;

/// <summary>
/// The real server (Kestrel, HTTP/2, 127.0.0.1, a free port) over the shipped models, with a Grpc.Net.Client channel to
/// it. Shared by the test classes of <see cref="ServerTestGroup"/>.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ModelRegistry Registry { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public Explainer.ExplainerClient Client { get; private set; } = null!;

    public int Port { get; private set; }

    /// <summary>The HTML viewer's port (HTTP/1.1).</summary>
    public int ViewerPort { get; private set; }

    /// <summary>The Prometheus scrape endpoint's port (HTTP/1.1, <c>/metrics</c>).</summary>
    public int MetricsPort { get; private set; }

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ModelsDirectory => Path.Combine(RepoRoot, "models");

    /// <summary>The ledger of the shared server (a temporary file).</summary>
    public string LedgerPath { get; private set; } = "";

    /// <summary>Per test run: the folder temporary ledgers go in, deleted when the test process exits.</summary>
    private static readonly Lazy<string> TempRoot = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), "explainability-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteFolder(root);
        return root;
    });

    /// <summary>Deletes <paramref name="folder"/>, retrying while a ledger that is being closed still removes its
    /// write-ahead log files; a leftover temporary folder is not a test failure.</summary>
    public static void DeleteFolder(string folder)
    {
        for (int attempt = 0; attempt < 5 && Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>A fresh ledger path in a new temporary folder.</summary>
    public static string NewLedgerPath()
    {
        string folder = Path.Combine(TempRoot.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "ledger.db");
    }

    public async Task InitializeAsync()
    {
        Registry = ModelRegistry.LoadDirectory(ModelsDirectory);
        LedgerPath = NewLedgerPath();
        (App, Port) = await StartAsync(Registry, new ExplainabilityServerOptions
        {
            MinimumLogLevel = LogLevel.Warning,
            LedgerPath = LedgerPath,
            ViewerPort = 0,
            MetricsPort = 0,
            // ExplainTests sends 64 calls at once to check that concurrent answers equal single ones: none is to be refused.
            MaxConcurrentCalls = 64,
        });
        ViewerPort = ExplainabilityServer.BoundViewerPort(App);
        MetricsPort = ExplainabilityServer.BoundMetricsPort(App);
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Port}");
        Client = new Explainer.ExplainerClient(Channel);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Registry.Dispose();
        DeleteFolder(Path.GetDirectoryName(LedgerPath)!);
    }

    /// <summary>Starts a server over <paramref name="registry"/> on a free loopback port. Options with the default ledger
    /// path get a fresh temporary ledger instead, so tests never write the current directory's.</summary>
    public static async Task<(WebApplication App, int Port)> StartAsync(ModelRegistry registry, ExplainabilityServerOptions options)
    {
        string? temporary = null;
        if (options.LedgerPath == ExplainabilityServerOptions.DefaultLedgerPath)
        {
            temporary = NewLedgerPath();
            options = options with { LedgerPath = temporary };
        }

        var app = ExplainabilityServer.Build(registry, 0, options);
        if (temporary is not null)
        {
            // Unlinked while the ledger is still open, which Linux allows; the test never reads it.
            app.Lifetime.ApplicationStopped.Register(() => DeleteFolder(Path.GetDirectoryName(temporary)!));
        }

        await app.StartAsync();
        return (app, ExplainabilityServer.BoundPort(app));
    }

    /// <summary>Rows <paramref name="rows"/> of the model's background as request rows (model-card features only).</summary>
    public IReadOnlyList<Row> BackgroundRows(string modelId, IEnumerable<int> rows)
    {
        var model = Registry.Get(modelId);
        var background = model.Background!;
        return [.. rows.Select(r => Grpc.RowConverter.FromTable(background, r, model.Card))];
    }

    /// <summary>The same background rows as a table, for in-process comparison.</summary>
    public FeatureTable BackgroundTable(string modelId, IEnumerable<int> rows) => Registry.Get(modelId).Background!.SelectRows(rows);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Explainability.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Explainability.sln above {AppContext.BaseDirectory}");
    }
}

[CollectionDefinition(Name)]
public sealed class ServerTestGroup : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
