using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Explainability.Protos;
using Explainability.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using MathNet.Numerics.Statistics;
using Microsoft.Extensions.Logging;

namespace Explainability.Benchmarks;

/// <summary>
/// Sustained load on the real server on loopback (<c>-- --load [seconds] [clients]</c>, default 60 s and 8 clients): each
/// client has a channel of its own and issues single-row <c>Explain</c> calls of credit-risk (path-dependent TreeSHAP, the
/// data-scientist view, each recorded in the ledger) one after another for the duration. Reports requests per second,
/// p50/p99/max latency of the answered calls, the calls by status code, and the process's working set and managed heap
/// (client and server share the process) at the start, the middle and the end: flat memory means nothing accumulates per
/// call. The client is bounded: at most one call in flight per client, and a client refused with <c>ResourceExhausted</c>
/// (more clients than the server's concurrency limit) waits 50 ms before its next call.
/// </summary>
internal static class ServiceLoad
{
    /// <summary>How long a client waits after a <c>ResourceExhausted</c> refusal before its next call.</summary>
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs the load and writes a Markdown report to <paramref name="output"/>.</summary>
    public static async Task<int> Run(TextWriter output, TimeSpan duration, int clients)
    {
        await using var server = await LoopbackServer.StartAsync(new ExplainabilityServerOptions { MinimumLogLevel = LogLevel.Warning });
        var model = server.Registry.Get("credit-risk");
        var rows = Enumerable.Range(0, model.Background!.RowCount).Select(r => Server.Grpc.RowConverter.FromTable(model.Background, r, model.Card)).ToList();
        var channels = Enumerable.Range(0, clients).Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{server.Port}")).ToList();
        try
        {
            // Warm-up: JIT, ONNX Runtime sessions, Scriban templates, the ledger file.
            var warm = new Explainer.ExplainerClient(channels[0]);
            for (int i = 0; i < 50; i++)
            {
                await warm.ExplainAsync(ServiceLatency.Request(rows[i % rows.Count], ["data-scientist"]));
            }

            string loadBefore = LoadAverage();
            var codes = new ConcurrentDictionary<StatusCode, long>();
            var latencies = new List<double>[clients];
            var memory = new List<(double Seconds, long WorkingSet, long Heap)>();
            using var stop = new CancellationTokenSource(duration);
            var clock = Stopwatch.StartNew();
            memory.Add(Memory(clock));
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    memory.Add(Memory(clock));
                }
            });
            var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var client = new Explainer.ExplainerClient(channels[c]);
                var samples = latencies[c] = new List<double>(100_000);
                for (int i = c; !stop.IsCancellationRequested; i += clients)
                {
                    long start = Stopwatch.GetTimestamp();
                    StatusCode code;
                    try
                    {
                        await client.ExplainAsync(ServiceLatency.Request(rows[i % rows.Count], ["data-scientist"]));
                        code = StatusCode.OK;
                        samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                    catch (RpcException e)
                    {
                        code = e.StatusCode;
                    }

                    if (code == StatusCode.ResourceExhausted)
                    {
                        // As the refusal asks: back off before the next call, as a well-behaved consumer would.
                        await Task.Delay(RetryBackoff);
                    }

                    codes.AddOrUpdate(code, 1, (_, n) => n + 1);
                }
            })).ToList();
            await Task.WhenAll(workers);
            double seconds = clock.Elapsed.TotalSeconds;
            await sampler;
            memory.Add(Memory(clock));

            var all = latencies.SelectMany(l => l).ToArray();
            long total = codes.Values.Sum();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"credit-risk, single-row Explain (tree_path_dependent, data-scientist view, recorded), {clients} clients for {seconds:F0} s, {Environment.ProcessorCount} cores, load average (1, 5, 15 min) before: {loadBefore}, after: {LoadAverage()}"));
            output.WriteLine();
            output.WriteLine("| calls | requests/s | p50 (ms) | p99 (ms) | max (ms) |");
            output.WriteLine("|---:|---:|---:|---:|---:|");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {total} | {total / seconds:F0} | {all.Median():F2} | {all.Quantile(0.99):F2} | {(all.Length == 0 ? 0 : all.Max()):F2} |"));
            output.WriteLine();
            output.WriteLine("| status | calls |");
            output.WriteLine("|---|---:|");
            foreach (var (code, count) in codes.OrderBy(c => c.Key))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {code} | {count} |"));
            }

            output.WriteLine();
            output.WriteLine("| at | working set (MiB) | managed heap (MiB) |");
            output.WriteLine("|---|---:|---:|");
            foreach (var (label, sample) in new[] { ("start", memory[0]), ("middle", memory[memory.Count / 2]), ("end", memory[^1]) })
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {label} ({sample.Seconds:F0} s) | {sample.WorkingSet / 1048576.0:F0} | {sample.Heap / 1048576.0:F0} |"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| max over {memory.Count} samples | {memory.Max(m => m.WorkingSet) / 1048576.0:F0} | {memory.Max(m => m.Heap) / 1048576.0:F0} |"));
            return codes.Keys.All(c => c is StatusCode.OK or StatusCode.ResourceExhausted) ? 0 : 1;
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    private static (double Seconds, long WorkingSet, long Heap) Memory(Stopwatch clock)
    {
        using var process = Process.GetCurrentProcess();
        return (clock.Elapsed.TotalSeconds, process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    /// <summary>The 1, 5 and 15 minute load averages of the machine (Linux), or "n/a".</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
