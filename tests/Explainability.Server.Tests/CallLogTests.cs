using System.Collections.Concurrent;
using Explainability.Protos;
using Explainability.Server.Hosting;
using Explainability.Server.Observability;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests;

/// <summary>One structured log line per call, without row values.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class CallLogTests(ServerFixture server)
{
    [Fact]
    public async Task Each_call_logs_one_structured_line_with_its_status_and_no_row_value()
    {
        var (app, port) = await ServerFixture.StartAsync(server.Registry, new ExplainabilityServerOptions { MinimumLogLevel = LogLevel.Information });
        await using var _ = app;
        var capture = new CapturingLoggerProvider();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Explainer.ExplainerClient(channel);
        var good = new ExplainRequest { ModelId = "credit-risk" };
        good.Rows.Add(server.BackgroundRows("credit-risk", [0, 1]));
        good.Audiences.Add("customer");
        good.Audiences.Add("data-scientist");
        var bad = good.Clone();
        bad.Rows[0].Values["checking_status"] = new FeatureValue { Text = "secret-category-value" };

        await client.ExplainAsync(good);
        await Assert.ThrowsAsync<RpcException>(() => client.ExplainAsync(bad).ResponseAsync);
        await app.StopAsync();

        var calls = capture.Entries.Where(e => e.Category == typeof(CallTelemetryInterceptor).FullName).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal("Explain", calls[0].State["Rpc"]);
        Assert.Equal("credit-risk", calls[0].State["Model"]);
        Assert.Equal("tree_path_dependent", calls[0].State["Method"]);
        Assert.Equal("customer+data-scientist", calls[0].State["Audiences"]);
        Assert.Equal(2, calls[0].State["Rows"]);
        Assert.Equal("OK", calls[0].State["StatusCode"]);
        Assert.IsType<double>(calls[0].State["DurationMs"]);
        Assert.Equal("InvalidArgument", calls[1].State["StatusCode"]);
        Assert.Equal("default", calls[1].State["Method"]);
        Assert.Empty(capture.Entries.Where(e => e.Message.Contains("secret-category-value", StringComparison.Ordinal)).Select(e => e.Category));
    }

    private sealed record Entry(string Category, string Message, IReadOnlyDictionary<string, object?> State);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
                entries.Enqueue(new Entry(category, formatter(state, exception), values.ToDictionary(v => v.Key, v => v.Value)));
            }
        }
    }
}
