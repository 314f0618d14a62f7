using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Explainability.Benchmarks;

/// <summary>The real server on a free loopback port over the shipped models, its ledger on a temporary file deleted when
/// it is disposed: what the service benchmarks measure.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly string _ledgerFolder;

    private LoopbackServer(WebApplication app, ModelRegistry registry, string ledgerFolder)
    {
        App = app;
        Registry = registry;
        _ledgerFolder = ledgerFolder;
    }

    /// <summary>The host.</summary>
    public WebApplication App { get; }

    /// <summary>The models it serves.</summary>
    public ModelRegistry Registry { get; }

    /// <summary>The gRPC port.</summary>
    public int Port => ExplainabilityServer.BoundPort(App);

    /// <summary>Starts the server; <paramref name="options"/> may set limits, the ledger path is always a temporary one.</summary>
    public static async Task<LoopbackServer> StartAsync(ExplainabilityServerOptions? options = null)
    {
        var registry = ModelRegistry.LoadDirectory(Path.Combine(RepoRoot(), "models"));
        string ledgerFolder = Path.Combine(Path.GetTempPath(), "explainability-benchmark-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(ledgerFolder);
        var app = ExplainabilityServer.Build(registry, 0, (options ?? new ExplainabilityServerOptions { MinimumLogLevel = LogLevel.Warning }) with
        {
            LedgerPath = Path.Combine(ledgerFolder, "ledger.db"),
        });
        await app.StartAsync();
        return new LoopbackServer(app, registry, ledgerFolder);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Registry.Dispose();
        Directory.Delete(_ledgerFolder, recursive: true);
    }

    /// <summary>The repository's root folder, found above the binaries.</summary>
    /// <exception cref="DirectoryNotFoundException">No <c>Explainability.sln</c> above the binaries.</exception>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Explainability.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("run from inside the repository: Explainability.sln was not found above " + AppContext.BaseDirectory);
    }
}
