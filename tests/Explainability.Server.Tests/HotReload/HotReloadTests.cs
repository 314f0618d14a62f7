using System.Collections.Concurrent;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Explainability.Server.Tests.HotReload;

/// <summary>
/// Hot reload over a real server: a models directory copied from the shipped one, changed the ways an operator changes it
/// while clients keep calling. Waits poll for the change with a generous limit instead of sleeping fixed times.
/// </summary>
[Collection(ServerTestGroup.Name)]
public sealed class HotReloadTests(ITestOutputHelper output)
{
    private const string Method = "tree_path_dependent";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_new_version_swapped_in_during_a_stream_of_requests_fails_no_request_and_answers_every_later_one()
    {
        byte[] onnx2 = ModelFolders.ScaledOnnx(1.5), onnx3 = ModelFolders.ScaledOnnx(0.75);
        using var v1 = LoadedModel.Load(ModelFolders.Shipped(ModelFolders.CreditRisk));
        using var v2 = LoadedModel.Load(ModelFolders.Staged(onnx2, "2.0.0"));
        using var v3 = LoadedModel.Load(ModelFolders.Staged(onnx3, "3.0.0"));
        var versions = new[] { v1, v2, v3 };
        Assert.Equal(3, versions.Select(v => v.Sha256).Distinct().Count());
        int[] picked = [0, 1, 2];
        var expected = versions.ToDictionary(
            v => v.Version,
            v => ExplanationService.Explain(v, v1.Background!.SelectRows(picked), new ExplainOptions(Method, AllowExtraColumns: true)).Explanation);
        Assert.NotEqual(expected["1.0.0"].Output(0, 0), expected["2.0.0"].Output(0, 0));
        Assert.NotEqual(expected["2.0.0"].Output(0, 0), expected["3.0.0"].Output(0, 0));

        await using var server = await ReloadingServer.StartAsync(ModelFolders.CreditRisk);
        var request = Request(v1, picked);
        var failures = new ConcurrentQueue<Exception>();
        var observed = new ConcurrentQueue<(string Loop, string Version)>();
        using var stop = new CancellationTokenSource();
        var unary = Task.Run(async () =>
        {
            var seen = new List<ExplainResponse>();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await server.Client.ExplainAsync(request);
                    seen.Add(response);
                    observed.Enqueue(("unary", response.ModelVersion));
                }
                catch (RpcException e)
                {
                    failures.Enqueue(e);
                }
            }

            return seen;
        });
        var stream = Task.Run(async () =>
        {
            var seen = new List<ExplainResponse>();
            try
            {
                using var call = server.Client.ExplainStream();
                while (!stop.IsCancellationRequested)
                {
                    await call.RequestStream.WriteAsync(request);
                    Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the stream ended before its request was answered");
                    seen.Add(call.ResponseStream.Current);
                    observed.Enqueue(("stream", call.ResponseStream.Current.ModelVersion));
                }

                await call.RequestStream.CompleteAsync();
                Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
            }
            catch (RpcException e)
            {
                failures.Enqueue(e);
            }

            return seen;
        });

        async Task BothLoopsSee(string version, int times = 1) => await Eventually(
            () => Task.FromResult(observed.Count(o => o.Loop == "unary" && o.Version == version) >= times
                && observed.Count(o => o.Loop == "stream" && o.Version == version) >= times),
            $"both the unary loop and the stream answered {times} times by version {version} (failures: {string.Join("; ", failures.Select(f => f.Message))})");

        await BothLoopsSee("1.0.0", times: 2);
        ModelFolders.WriteByRename(server.Folder, onnx2, "2.0.0");
        await BothLoopsSee("2.0.0", times: 2);
        await ModelFolders.WriteInPlaceAsync(server.Folder, onnx3, "3.0.0");
        await BothLoopsSee("3.0.0", times: 3);
        await stop.CancelAsync();
        var answered = new[] { await unary, await stream };

        output.WriteLine(string.Join("; ", observed.GroupBy(o => o).Select(g => $"{g.Key.Loop} {g.Key.Version}: {g.Count()} answers")));
        Assert.Empty(failures);
        string[] order = ["1.0.0", "2.0.0", "3.0.0"];
        foreach (var responses in answered)
        {
            // In the order each client got them: versions only move forward, each with its own ONNX file's hash and numbers.
            var seenOrder = responses.Select(r => Array.IndexOf(order, r.ModelVersion)).ToList();
            Assert.DoesNotContain(-1, seenOrder);
            Assert.Equal(seenOrder.Order(), seenOrder);
            Assert.Equal(order, seenOrder.Distinct().Select(i => order[i]));
            foreach (var response in responses)
            {
                var version = versions.Single(v => v.Version == response.ModelVersion);
                Assert.Equal(ModelFolders.CreditRisk, response.ModelId);
                Assert.Equal(version.Sha256, response.ModelSha256);
                Assert.Equal(version.Sha256, response.Parameters["model_sha256"]);
                AssertAdditiveAndEqual(expected[version.Version], response);
            }
        }

        var reloads = server.Logs.Entries.Where(e => e.Message.StartsWith("model credit-risk reloaded", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reloads.Count);
        Assert.Equal(("1.0.0", v1.Sha256, "2.0.0", v2.Sha256), Versions(reloads[0]));
        Assert.Equal(("2.0.0", v2.Sha256, "3.0.0", v3.Sha256), Versions(reloads[1]));
    }

    [Fact]
    public async Task A_broken_model_file_is_refused_with_an_error_naming_it_the_old_version_keeps_serving_and_a_fixed_file_is_picked_up()
    {
        using var v1 = LoadedModel.Load(ModelFolders.Shipped(ModelFolders.CreditRisk));
        byte[] onnx2 = ModelFolders.ScaledOnnx(1.5);
        await using var server = await ReloadingServer.StartAsync(ModelFolders.CreditRisk);
        var request = Request(v1, [0]);
        string recordedOnV1 = (await server.Client.ExplainAsync(request)).Rows[0].ExplanationId;
        string onnxPath = Path.Combine(server.Folder, "model.onnx");
        byte[] good = await File.ReadAllBytesAsync(onnxPath);

        // Cut short (a copy that stopped half-way), then not an ONNX file at all.
        await File.WriteAllBytesAsync(onnxPath, good.AsSpan(0, good.Length / 2).ToArray());
        await Eventually(() => Task.FromResult(server.Refusals(onnxPath) >= 1), $"an error naming {onnxPath}");
        await File.WriteAllBytesAsync(onnxPath, System.Text.Encoding.ASCII.GetBytes("this is not an ONNX model, it is a note someone saved over it\n"));
        await Eventually(() => Task.FromResult(server.Refusals(onnxPath) >= 2), $"a second error naming {onnxPath}");

        var refusal = server.Logs.Entries.First(e => e.Level == LogLevel.Error && e.Message.Contains(onnxPath, StringComparison.Ordinal));
        Assert.StartsWith($"model folder {server.Folder} was refused, the version being served stays: {onnxPath} is not a readable ONNX model", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(server.Folder, refusal.State["Folder"]);
        for (int i = 0; i < 5; i++)
        {
            var response = await server.Client.ExplainAsync(request);
            Assert.Equal("1.0.0", response.ModelVersion);
            Assert.Equal(v1.Sha256, response.ModelSha256);
        }

        Assert.Equal(v1.Sha256, (await server.Client.GetModelAsync(new GetModelRequest { ModelId = ModelFolders.CreditRisk })).Sha256);

        ModelFolders.WriteByRename(server.Folder, onnx2, "2.0.0");
        var fixedResponse = await Eventually(
            async () => await server.Client.ExplainAsync(request) is { ModelVersion: "2.0.0" } r ? r : null,
            "the fixed file served as version 2.0.0");
        Assert.NotEqual(v1.Sha256, fixedResponse.ModelSha256);
        Assert.Equal(fixedResponse.ModelSha256, (await server.Client.GetModelAsync(new GetModelRequest { ModelId = ModelFolders.CreditRisk })).Sha256);
        double sum = fixedResponse.Rows[0].BaseValues[0] + fixedResponse.Rows[0].Attributions.Sum(a => a.Phi[0]);
        Assert.True(Math.Abs(sum - fixedResponse.Rows[0].ModelOutputs[0]) <= 1e-9);

        // Every other response names the version too: a view of an explanation recorded on 2.0.0 and a summary computed
        // with it; an explanation recorded on 1.0.0 is no longer re-rendered, the message naming both versions.
        var rendered = await server.Client.RenderAsync(new RenderRequest { ExplanationId = fixedResponse.Rows[0].ExplanationId, Audience = "customer" });
        Assert.Equal((ModelFolders.CreditRisk, "2.0.0", fixedResponse.ModelSha256), (rendered.ModelId, rendered.ModelVersion, rendered.ModelSha256));
        var summarize = new SummarizeRequest { ModelId = ModelFolders.CreditRisk };
        summarize.Rows.Add(Request(v1, [0, 1, 2, 3]).Rows);
        var summary = await server.Client.SummarizeAsync(summarize);
        Assert.Equal(("2.0.0", fixedResponse.ModelSha256), (summary.ModelVersion, summary.ModelSha256));
        var old = await Assert.ThrowsAsync<RpcException>(() => server.Client.RenderAsync(new RenderRequest { ExplanationId = recordedOnV1, Audience = "customer" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, old.StatusCode);
        Assert.Equal(
            $"explanation '{recordedOnV1}' was computed with model 'credit-risk' version 1.0.0 (sha256 {v1.Sha256}), which this server no longer has loaded (the loaded one is version 2.0.0 (sha256 {fixedResponse.ModelSha256})); load that version to render it",
            old.Status.Detail);
    }

    [Fact]
    public async Task A_model_folder_moved_in_is_listed_and_explained_and_one_removed_is_no_longer_found()
    {
        await using var server = await ReloadingServer.StartAsync(ModelFolders.CreditRisk);
        Assert.Equal([ModelFolders.CreditRisk], (await server.Client.ListModelsAsync(new ListModelsRequest())).Models.Select(m => m.Id));
        using var fraud = LoadedModel.Load(ModelFolders.Shipped("card-fraud"));

        // Written elsewhere on the same filesystem, then moved in whole: the folder appears complete.
        string staged = ModelFolders.Copy("card-fraud", Path.Combine(ModelFolders.NewDirectory(), "card-fraud"));
        string folder = Path.Combine(server.Directory, "card-fraud");
        Directory.Move(staged, folder);
        var listed = await Eventually(
            async () => (await server.Client.ListModelsAsync(new ListModelsRequest())).Models is { Count: 2 } m ? m : null,
            "card-fraud listed");
        Assert.Equal([ModelFolders.CreditRisk, "card-fraud"], listed.Select(m => m.Id).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(fraud.Sha256, listed.Single(m => m.Id == "card-fraud").Sha256);
        var explained = await server.Client.ExplainAsync(Request(fraud, [0]));
        Assert.Equal(("card-fraud", fraud.Version, fraud.Sha256), (explained.ModelId, explained.ModelVersion, explained.ModelSha256));

        Directory.Delete(folder, recursive: true);
        var e = await Eventually(
            async () =>
            {
                try
                {
                    await server.Client.GetModelAsync(new GetModelRequest { ModelId = "card-fraud" });
                    return null;
                }
                catch (RpcException refused)
                {
                    return refused;
                }
            },
            "card-fraud no longer found");
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal([ModelFolders.CreditRisk], (await server.Client.ListModelsAsync(new ListModelsRequest())).Models.Select(m => m.Id));
        // The watcher removes the model, then logs it: a call may see NotFound a moment before the line is written.
        await Eventually(
            () => Task.FromResult(server.Logs.Entries.FirstOrDefault(l => l.Message.StartsWith($"model card-fraud removed: its folder {folder} is gone", StringComparison.Ordinal))),
            "the removal logged");
    }

    [Fact]
    public async Task Of_two_folders_with_one_id_the_higher_version_serves_an_equal_one_is_refused_and_the_next_takes_over_on_removal()
    {
        byte[] onnx2 = ModelFolders.ScaledOnnx(1.5), onnx2b = ModelFolders.ScaledOnnx(0.75);
        using var v2 = LoadedModel.Load(ModelFolders.Staged(onnx2, "2.0.0"));
        using var v2b = LoadedModel.Load(ModelFolders.Staged(onnx2b, "2.0.0"));
        await using var server = await ReloadingServer.StartAsync(ModelFolders.CreditRisk);
        var getModel = new GetModelRequest { ModelId = ModelFolders.CreditRisk };

        string second = Path.Combine(server.Directory, "credit-risk-2");
        Directory.Move(ModelFolders.Staged(onnx2, "2.0.0"), second);
        await Eventually(async () => (await server.Client.GetModelAsync(getModel)).Sha256 == v2.Sha256, "version 2.0.0 from credit-risk-2 served");

        string third = Path.Combine(server.Directory, "credit-risk-2b");
        Directory.Move(ModelFolders.Staged(onnx2b, "2.0.0"), third);
        await Eventually(
            () => Task.FromResult(server.Logs.Entries.Any(e => e.Level == LogLevel.Error && e.Message.StartsWith($"model folders {third} and {second} both carry model credit-risk version 2.0.0", StringComparison.Ordinal))),
            "the tie refused");
        Assert.Equal(v2.Sha256, (await server.Client.GetModelAsync(getModel)).Sha256);

        // The serving folder goes: of the two left (1.0.0 and 2.0.0), the higher serves.
        Directory.Delete(second, recursive: true);
        await Eventually(async () => (await server.Client.GetModelAsync(getModel)).Sha256 == v2b.Sha256, "version 2.0.0 from credit-risk-2b served");
    }

    [Fact]
    public async Task A_folder_changed_between_the_load_and_the_start_of_watching_is_loaded_again()
    {
        string directory = ModelFolders.NewDirectory();
        string folder = ModelFolders.Copy(ModelFolders.CreditRisk, Path.Combine(directory, ModelFolders.CreditRisk));
        using var registry = ModelRegistry.LoadDirectory(directory);
        ModelFolders.WriteByRename(folder, ModelFolders.ScaledOnnx(1.5), "2.0.0");
        using var watcher = new ModelDirectoryWatcher(
            registry,
            new ModelReloadOptions { Directory = directory, PollInterval = TimeSpan.FromMilliseconds(100), SettleTime = TimeSpan.FromMilliseconds(200) },
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelDirectoryWatcher>.Instance);

        await watcher.StartAsync(CancellationToken.None);
        await Eventually(() => Task.FromResult(registry.Get(ModelFolders.CreditRisk).Version == "2.0.0"), "version 2.0.0 loaded");
        await watcher.StopAsync(CancellationToken.None);
    }

    private static ExplainRequest Request(LoadedModel model, int[] rows)
    {
        var request = new ExplainRequest { ModelId = model.Id, Method = Method };
        request.Rows.Add(rows.Select(r => Grpc.RowConverter.FromTable(model.Background!, r, model.Card)));
        request.Audiences.Add("data-scientist");
        return request;
    }

    private static void AssertAdditiveAndEqual(Core.Explanations.Explanation expected, ExplainResponse response)
    {
        Assert.Equal(expected.RowCount, response.Rows.Count);
        for (int r = 0; r < response.Rows.Count; r++)
        {
            var row = response.Rows[r];
            double sum = row.BaseValues[0] + row.Attributions.Sum(a => a.Phi[0]);
            Assert.True(Math.Abs(sum - row.ModelOutputs[0]) <= 1e-9, $"version {response.ModelVersion} row {r}: base + sum(phi) = {sum:R}, model output {row.ModelOutputs[0]:R}");
            Assert.Equal(expected.Output(r, 0), row.ModelOutputs[0]);
            Assert.Equal(expected.Base(r, 0), row.BaseValues[0]);
        }
    }

    private static (object?, object?, object?, object?) Versions(LogEntry reload) =>
        (reload.State["OldVersion"], reload.State["OldSha256"], reload.State["NewVersion"], reload.State["NewSha256"]);

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var limit = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > limit)
            {
                Assert.Fail($"not within {Patience.TotalSeconds} s: {what}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task Eventually(Func<Task<bool>> probe, string what) =>
        await Eventually<object>(async () => await probe() ? new object() : null, what);

    internal sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> State);

    /// <summary>A server with hot reload (scan every 200 ms, settle 500 ms) over a temporary copy of shipped model folders.</summary>
    private sealed class ReloadingServer : IAsyncDisposable
    {
        private ReloadingServer(string directory, ModelRegistry registry, WebApplication app, int port)
        {
            Directory = directory;
            Registry = registry;
            App = app;
            Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            Client = new Explainer.ExplainerClient(Channel);
            app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
        }

        public string Directory { get; }

        /// <summary>The credit-risk model folder.</summary>
        public string Folder => Path.Combine(Directory, ModelFolders.CreditRisk);

        public ModelRegistry Registry { get; }

        public WebApplication App { get; }

        public GrpcChannel Channel { get; }

        public Explainer.ExplainerClient Client { get; }

        public CapturingLoggerProvider Logs { get; } = new();

        public static async Task<ReloadingServer> StartAsync(params string[] ids)
        {
            string directory = ModelFolders.NewDirectory();
            foreach (string id in ids)
            {
                ModelFolders.Copy(id, Path.Combine(directory, id));
            }

            var registry = ModelRegistry.LoadDirectory(directory);
            var (app, port) = await ServerFixture.StartAsync(registry, new ExplainabilityServerOptions
            {
                MinimumLogLevel = LogLevel.Information,
                ModelReload = new ModelReloadOptions
                {
                    Directory = directory,
                    PollInterval = TimeSpan.FromMilliseconds(200),
                    SettleTime = TimeSpan.FromMilliseconds(500),
                },
            });
            return new ReloadingServer(directory, registry, app, port);
        }

        /// <summary>Errors the watcher logged naming <paramref name="file"/>.</summary>
        public int Refusals(string file) => Logs.Entries.Count(e =>
            e.Category == typeof(ModelDirectoryWatcher).FullName && e.Level == LogLevel.Error && e.Message.Contains(file, StringComparison.Ordinal));

        public async ValueTask DisposeAsync()
        {
            Channel.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
            Registry.Dispose();
        }
    }

    internal sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
                entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), values.ToDictionary(v => v.Key, v => v.Value)));
            }
        }
    }
}
