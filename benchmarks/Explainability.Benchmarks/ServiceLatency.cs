using System.Diagnostics;
using System.Globalization;
using Explainability.Core.Data;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Hosting;
using Explainability.Server.Ledger;
using Explainability.Server.Models;
using Grpc.Core;
using Grpc.Net.Client;
using MathNet.Numerics.Statistics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explainability.Benchmarks;

/// <summary>
/// Service latency over gRPC on loopback (<c>-- --latency [calls]</c>): the real server, <c>explainability serve</c> in a
/// process of its own (Kestrel, h2c, the ledger on a temporary file with <c>synchronous=FULL</c>), on the shipped
/// credit-risk model, one client in this process, calls one after another.
/// Reports p50/p99/max of a single-row <c>Explain</c> (path-dependent TreeSHAP) with no view, with the data-scientist view
/// only and with all four views, and rows per second of <c>ExplainStream</c> with one request of one row per message. A
/// percentile needs every sample, which BenchmarkDotNet's summary does not keep, hence a client of its own.
/// </summary>
internal static partial class ServiceLatency
{
    /// <summary>The least warm-up time before a measurement: .NET's tiered JIT recompiles a method with full optimization
    /// only after it ran 30 times and no new method was compiled for 100 ms, so the first seconds of a new kind of call
    /// still run partly unoptimized code (a tenth of the calls, 0.3 s at 3,000 calls, left the p99 of the first 300
    /// measured calls 3-4 times that of the rest).</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    /// <summary>Runs the measurements and writes a Markdown table to <paramref name="output"/>.</summary>
    /// <param name="output">Where the tables go.</param>
    /// <param name="calls">Calls per measurement, after warm-up calls (a tenth as many, for at least <see cref="WarmUp"/>).</param>
    /// <param name="address">A server already running (<c>http://host:port</c>, plain HTTP/2, no token) to measure instead
    /// of starting one, e.g. one pinned to its own cores or on another machine; the in-process phases are then skipped.</param>
    public static async Task<int> Run(TextWriter output, int calls, string? address = null)
    {
        List<Row> rows;
        using (var registry = ModelRegistry.LoadDirectory(Path.Combine(LoopbackServer.RepoRoot(), "models")))
        {
            var background = registry.Get("credit-risk").Background!;
            rows = [.. Enumerable.Range(0, background.RowCount).Select(r => Server.Grpc.RowConverter.FromTable(background, r, registry.Get("credit-risk").Card))];
        }

        if (address is not null)
        {
            output.WriteLine($"credit-risk, {calls} calls each after warm-up calls (a tenth as many, for at least {WarmUp.TotalSeconds:F0} s), {Environment.ProcessorCount} cores in the client's process; the server at {address}");
            await OverGrpc(output, address, rows, calls);
            return 0;
        }

        output.WriteLine($"credit-risk, {calls} calls each after warm-up calls (a tenth as many, for at least {WarmUp.TotalSeconds:F0} s), {Environment.ProcessorCount} cores; the server is `explainability serve` in a process of its own");
        await using (var server = await ServeProcess.StartAsync())
        {
            await OverGrpc(output, $"http://127.0.0.1:{server.Port}", rows, calls, server);
        }

        output.WriteLine();
        await using var inProcess = await LoopbackServer.StartAsync();
        Phases(output, inProcess.App.Services, inProcess.Registry.Get("credit-risk"), rows, calls);
        return 0;
    }

    /// <summary>The gRPC calls, one after another, against the server at <paramref name="address"/>.</summary>
    /// <param name="output">Where the table goes.</param>
    /// <param name="address">The server (<c>http://host:port</c>).</param>
    /// <param name="rows">The rows the calls explain, in turn.</param>
    /// <param name="calls">Calls per measurement.</param>
    /// <param name="server">The server when it was started here: its log line of every call gives the time the call spent in
    /// the server's handler (from the interceptor's start to its end, 0.1 ms resolution), reported beside the client's.</param>
    private static async Task OverGrpc(TextWriter output, string address, List<Row> rows, int calls, ServeProcess? server = null)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var client = new Explainer.ExplainerClient(channel);
        output.WriteLine();
        output.WriteLine("| call | p50 (ms) | p99 (ms) | max (ms) | rows/s | in the server's handler: p50 / p99 (ms) |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        var floor = await Timed(() => client.GetModelAsync(new GetModelRequest { ModelId = "credit-risk" }).ResponseAsync, calls);
        string floorServer = await ServerSide(server, "GetModel", "-", calls);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| GetModel (gRPC on loopback, no work: the transport's floor) | {floor.Median():F3} | {floor.Quantile(0.99):F3} | {floor.Maximum():F3} | | {floorServer} |"));
        foreach (var (name, audiences) in new[] { ("Explain, 1 row, no view (SHAP values only)", Array.Empty<string>()), ("Explain, 1 row, data-scientist view", new[] { "data-scientist" }), ("Explain, 1 row, all four views", new[] { "data-scientist", "business-manager", "fraud-analyst", "customer" }) })
        {
            var samples = await Unary(client, rows, audiences, calls);
            string inServer = await ServerSide(server, "Explain", audiences.Length == 0 ? "none" : string.Join('+', audiences.Order(StringComparer.Ordinal)), calls);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {samples.Median():F3} | {samples.Quantile(0.99):F3} | {samples.Maximum():F3} | {1000 * calls / samples.Sum():F0} | {inServer} |"));
        }

        double rate = await Stream(client, rows, calls);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ExplainStream, 1 row per message, data-scientist view | | | | {rate:F0} | |"));
    }

    /// <summary>p50 / p99 of the handler durations the server logged for the last <paramref name="calls"/> calls of
    /// <paramref name="rpc"/> with <paramref name="audiences"/> (its log line: <c>{rpc} ... audiences={audiences} ...
    /// duration={ms} ms</c>); empty without a server of our own.</summary>
    private static async Task<string> ServerSide(ServeProcess? server, string rpc, string audiences, int calls)
    {
        if (server is null)
        {
            return "";
        }

        string marker = $"] {rpc} ", audience = $" audiences={audiences} ";
        double[] durations = [];
        for (int attempt = 0; attempt < 50 && durations.Length < calls; attempt++)
        {
            // The server writes its log from a queue of its own, so the last lines may arrive a little after the answers.
            await Task.Delay(attempt == 0 ? 0 : 100);
            durations = [.. server.Printed.Where(l => l.Contains(marker, StringComparison.Ordinal) && l.Contains(audience, StringComparison.Ordinal))
                .Select(l => DurationLogged().Match(l)).Where(m => m.Success)
                .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
        }

        var last = durations.TakeLast(calls).ToArray();
        return last.Length < calls ? $"{last.Length} of {calls} calls logged" : string.Create(CultureInfo.InvariantCulture, $"{last.Median():F1} / {last.Quantile(0.99):F1}");
    }

    /// <summary>The server's own phases of a single-row data-scientist <c>Explain</c>, in process (no gRPC): rows to a
    /// table, the explanation (ONNX Runtime and TreeSHAP), the view (projection and Scriban), the ledger append.</summary>
    private static void Phases(TextWriter output, IServiceProvider services, LoadedModel model, List<Row> rows, int calls)
    {
        var explanations = services.GetRequiredService<ExplanationService>();
        var ledger = services.GetRequiredService<LedgerService>();
        var caller = new LedgerCaller("latency", "in-process");
        var phases = new[] { "rows to table", "explanation (ONNX Runtime + TreeSHAP)", "data-scientist view (projection + Scriban)", "of which Scriban (the same view rendered again)", "ledger append (SQLite, synchronous=FULL)" };
        var samples = phases.Select(_ => new double[calls]).ToArray();
        var allocated = new long[phases.Length];
        var collected = new bool[calls];
        long warmUpStart = Stopwatch.GetTimestamp();
        for (int i = -calls / 10; i < calls; i++)
        {
            if (i == -1 && Stopwatch.GetElapsedTime(warmUpStart) < WarmUp)
            {
                i = -2; // the warm-up goes on until WarmUp has passed
            }

            int g0 = GC.CollectionCount(0);
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            var row = rows[((i % rows.Count) + rows.Count) % rows.Count];
            long t0 = Stopwatch.GetTimestamp();
            var table = Server.Grpc.RowConverter.ToTable([row], model.Card, model.Onnx.OffsetColumnNames);
            long t1 = Stopwatch.GetTimestamp();
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            var outcome = ExplanationService.Explain(model, table, new ExplainOptions("tree_path_dependent", "", AllowExtraColumns: false, 1));
            long t2 = Stopwatch.GetTimestamp();
            long a2 = GC.GetAllocatedBytesForCurrentThread();
            var view = explanations.Render(outcome, 0, "data-scientist");
            long t3 = Stopwatch.GetTimestamp();
            long a3 = GC.GetAllocatedBytesForCurrentThread();
            _ = explanations.Views.Render(view.View, "text");
            long t4 = Stopwatch.GetTimestamp();
            long a4 = GC.GetAllocatedBytesForCurrentThread();
            ledger.RecordExplain(outcome, [[view]], withStandardErrors: false, caller);
            long t5 = Stopwatch.GetTimestamp();
            long a5 = GC.GetAllocatedBytesForCurrentThread();
            if (i >= 0)
            {
                collected[i] = GC.CollectionCount(0) != g0;
                (long From, long To)[] spans = [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)];
                long[] bytes = [a1 - a0, a2 - a1, a3 - a2, a4 - a3, a5 - a4];
                for (int p = 0; p < phases.Length; p++)
                {
                    samples[p][i] = Stopwatch.GetElapsedTime(spans[p].From, spans[p].To).TotalMilliseconds;
                    allocated[p] += bytes[p];
                }
            }
        }

        output.WriteLine($"A gen0 collection ran during {collected.Count(c => c)} of the {calls} calls.");
        output.WriteLine("| phase, in process | p50 (ms) | p99 (ms) | max (ms) | allocated per call (KB) |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        for (int p = 0; p < phases.Length; p++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {phases[p]} | {samples[p].Median():F3} | {samples[p].Quantile(0.99):F3} | {samples[p].Maximum():F3} | {allocated[p] / 1024.0 / calls:F1} |"));
        }
    }

    private static Task<double[]> Unary(Explainer.ExplainerClient client, List<Row> rows, string[] audiences, int calls)
    {
        int i = 0;
        return Timed(() => client.ExplainAsync(Request(rows[((i++ % rows.Count) + rows.Count) % rows.Count], audiences)).ResponseAsync, calls);
    }

    /// <summary>Milliseconds of <paramref name="calls"/> calls, one after another, after warm-up calls: a tenth as many
    /// and for at least <see cref="WarmUp"/>.</summary>
    private static async Task<double[]> Timed<T>(Func<Task<T>> call, int calls)
    {
        long warmUpStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls / 10 || Stopwatch.GetElapsedTime(warmUpStart) < WarmUp; i++)
        {
            await call();
        }

        var samples = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return samples;
    }

    private static async Task<double> Stream(Explainer.ExplainerClient client, List<Row> rows, int calls)
    {
        using var call = client.ExplainStream();
        int received = 0;
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
            {
                received++;
            }
        });
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            await call.RequestStream.WriteAsync(Request(rows[i % rows.Count], ["data-scientist"]));
        }

        await call.RequestStream.CompleteAsync();
        await reading;
        return received / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>A single-row path-dependent TreeSHAP request of credit-risk for <paramref name="audiences"/>.</summary>
    internal static ExplainRequest Request(Row row, string[] audiences)
    {
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "tree_path_dependent" };
        request.Rows.Add(row);
        request.Audiences.Add(audiences);
        return request;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@" duration=([0-9.]+) ms")]
    private static partial System.Text.RegularExpressions.Regex DurationLogged();
}
