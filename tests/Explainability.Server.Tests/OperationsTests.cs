using System.Diagnostics;
using System.Globalization;
using Explainability.Protos;
using Explainability.Server.Grpc;
using Explainability.Server.Hosting;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests;

/// <summary>What an operator relies on: health, reflection, the Prometheus metrics, deadlines and the concurrency limit.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class OperationsTests(ServerFixture server)
{
    [Fact]
    public async Task Health_check_reports_SERVING_for_the_server_and_the_Explainer_service()
    {
        var health = new Health.HealthClient(server.Channel);

        var whole = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, whole.Status);
    }

    [Fact]
    public async Task Health_check_reports_NOT_SERVING_without_models()
    {
        using var empty = new Models.ModelRegistry([]);
        var (app, port) = await ServerFixture.StartAsync(empty, new ExplainabilityServerOptions { MinimumLogLevel = LogLevel.Critical });
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var whole = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, whole.Status);
        await app.StopAsync();
    }

    [Fact]
    public async Task Rows_answered_on_a_stream_are_counted_per_answer()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.MetricsPort}") };
        string before = await http.GetStringAsync(ExplainabilityServer.MetricsPath);
        using var call = server.Client.ExplainStream();
        for (int i = 0; i < 3; i++)
        {
            var request = new ExplainRequest { ModelId = "credit-risk", Method = "interventional" };
            request.Rows.Add(server.BackgroundRows("credit-risk", Enumerable.Range(i, i + 1)));
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        int answers = 0;
        await foreach (var _ in call.ResponseStream.ReadAllAsync())
        {
            answers++;
        }

        string after = await http.GetStringAsync(ExplainabilityServer.MetricsPath);

        Assert.Equal(3, answers);
        Assert.Equal(
            Sum(before, "explainability_rows_total", "model=\"credit-risk\"", "method=\"interventional\"") + 6,
            Sum(after, "explainability_rows_total", "model=\"credit-risk\"", "method=\"interventional\""));
        Assert.True(Sum(after, "explainability_requests_total", "rpc=\"ExplainStream\"", "status=\"OK\"") >= 1, after);
    }

    [Fact]
    public async Task Reflection_lists_the_Explainer_service_and_health()
    {
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("explainability.v1.Explainer", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task Metrics_endpoint_counts_requests_by_rpc_and_status_and_the_rows_explained()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.MetricsPort}") };
        string before = await http.GetStringAsync(ExplainabilityServer.MetricsPath);
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [0, 1, 2]));
        request.Audiences.Add("customer");

        await server.Client.ExplainAsync(request);
        await Assert.ThrowsAsync<RpcException>(() => server.Client.ExplainAsync(new ExplainRequest { ModelId = "credit-risk", Method = "shapley" }).ResponseAsync);
        string after = await http.GetStringAsync(ExplainabilityServer.MetricsPath);

        // Other test classes' servers in this process may add to the Explain series, never to credit-risk's rows (this
        // collection runs one test at a time).
        Assert.True(Sum(after, "explainability_requests_total", "rpc=\"Explain\"", "status=\"OK\"") >= Sum(before, "explainability_requests_total", "rpc=\"Explain\"", "status=\"OK\"") + 1, after);
        Assert.True(Sum(after, "explainability_requests_total", "rpc=\"Explain\"", "status=\"InvalidArgument\"") >= 1, after);
        Assert.True(Sum(after, "explainability_errors_total", "rpc=\"Explain\"", "code=\"InvalidArgument\"") >= 1, after);
        Assert.Equal(
            Sum(before, "explainability_rows_total", "model=\"credit-risk\"", "method=\"tree_path_dependent\"") + 3,
            Sum(after, "explainability_rows_total", "model=\"credit-risk\"", "method=\"tree_path_dependent\""));
        Assert.Contains("explainability_request_duration_seconds_bucket{", after, StringComparison.Ordinal);
        Assert.True(Sum(after, "explainability_request_duration_seconds_count", "rpc=\"Explain\"", "method=\"tree_path_dependent\"", "audiences=\"customer\"") >= 1, after);
        // The metrics port serves nothing else, and the viewer port no metrics.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/explanations")).StatusCode);
        using var viewer = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await viewer.GetAsync(ExplainabilityServer.MetricsPath)).StatusCode);
    }

    [Fact]
    public async Task Model_evaluations_of_a_kernel_request_are_counted()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.MetricsPort}") };
        string before = await http.GetStringAsync(ExplainabilityServer.MetricsPath);
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "kernel", Nsamples = 100 };
        request.Rows.Add(server.BackgroundRows("credit-risk", [0]));

        var response = await server.Client.ExplainAsync(request);
        string after = await http.GetStringAsync(ExplainabilityServer.MetricsPath);

        long evaluations = long.Parse(response.Parameters["model_evaluations"], CultureInfo.InvariantCulture);
        Assert.Equal(
            Sum(before, "explainability_model_evaluations_total", "model=\"credit-risk\"", "method=\"kernel\"") + evaluations,
            Sum(after, "explainability_model_evaluations_total", "model=\"credit-risk\"", "method=\"kernel\""));
    }

    [Fact]
    public async Task A_deadline_stops_a_large_kernel_request_records_nothing_and_the_server_serves_the_next_call()
    {
        // 40 rows x 2000 coalitions x 200 background rows: 16 million model evaluations, minutes of work on this machine.
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "kernel", Nsamples = 2000 };
        request.Rows.Add(server.BackgroundRows("credit-risk", Enumerable.Range(0, 40)));
        request.Audiences.Add("data-scientist");
        long recorded = LedgerTests.CountExplanations(server.LedgerPath);
        var concurrency = server.App.Services.GetRequiredService<CallConcurrencyLimit>();
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.ExplainAsync(request, deadline: DateTime.UtcNow.AddMilliseconds(50)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the call took {clock.Elapsed}");
        // The server stops computing too: its slot is released once the explainer saw the cancellation.
        while (concurrency.Running > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, concurrency.Running);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the server computed for {clock.Elapsed} after the deadline");
        Assert.Equal(recorded, LedgerTests.CountExplanations(server.LedgerPath));
        var next = new ExplainRequest { ModelId = "credit-risk" };
        next.Rows.Add(server.BackgroundRows("credit-risk", [0]));
        Assert.Single((await server.Client.ExplainAsync(next)).Rows);
        Assert.Equal(recorded + 1, LedgerTests.CountExplanations(server.LedgerPath));
    }

    [Fact]
    public async Task A_cancelled_call_stops_and_records_nothing()
    {
        // 40 rows x 2 x 50 orders x 19 steps x 200 background rows: 15 million model evaluations, under the server's limit.
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "permutation", Nsamples = 50 };
        request.Rows.Add(server.BackgroundRows("credit-risk", Enumerable.Range(0, 40)));
        long recorded = LedgerTests.CountExplanations(server.LedgerPath);
        var concurrency = server.App.Services.GetRequiredService<CallConcurrencyLimit>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.ExplainAsync(request, cancellationToken: cancel.Token).ResponseAsync);

        Assert.True(e.StatusCode == StatusCode.Cancelled, e.Status.ToString());
        while (concurrency.Running > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, concurrency.Running);
        Assert.Equal(recorded, LedgerTests.CountExplanations(server.LedgerPath));
    }

    [Fact]
    public async Task A_burst_above_the_concurrency_limit_gets_ResourceExhausted_for_the_excess_and_answers_the_rest()
    {
        var (app, port) = await ServerFixture.StartAsync(server.Registry, new ExplainabilityServerOptions { MaxConcurrentCalls = 2, MinimumLogLevel = LogLevel.Warning });
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Explainer.ExplainerClient(channel);
        // Each call takes a while (one row, 400 coalitions x 200 background rows), so the burst overlaps.
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "kernel", Nsamples = 400 };
        request.Rows.Add(server.BackgroundRows("credit-risk", [0]));

        var calls = Enumerable.Range(0, 12).Select(async _ =>
        {
            try
            {
                await client.ExplainAsync(request);
                return (Code: StatusCode.OK, Detail: "");
            }
            catch (RpcException e)
            {
                return (Code: e.StatusCode, e.Status.Detail);
            }
        }).ToList();
        var outcomes = await Task.WhenAll(calls);

        int ok = outcomes.Count(o => o.Code == StatusCode.OK);
        var refused = outcomes.Where(o => o.Code == StatusCode.ResourceExhausted).ToList();
        Assert.Equal(outcomes.Length, ok + refused.Count);
        Assert.InRange(ok, 2, 8);
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Contains("2 explanations are already being computed, its limit of concurrent calls", r.Detail, StringComparison.Ordinal));
        // After the burst the slots are free again.
        Assert.Single((await client.ExplainAsync(request)).Rows);
        await app.StopAsync();
    }

    [Fact]
    public void Concurrency_limit_refuses_the_call_over_the_limit_and_frees_a_slot_once()
    {
        var limit = new CallConcurrencyLimit(2);
        var first = limit.Enter("Explain");
        using var second = limit.Enter("Explain");

        var e = Assert.Throws<RequestLimitException>(() => limit.Enter("Compare"));

        Assert.Contains("Compare was not started", e.Message, StringComparison.Ordinal);
        first.Dispose();
        first.Dispose();
        Assert.Equal(1, limit.Running);
        using var third = limit.Enter("Explain");
        Assert.Equal(2, limit.Running);
    }

    [Fact]
    public async Task A_message_over_the_configured_size_is_ResourceExhausted()
    {
        var (app, port) = await ServerFixture.StartAsync(server.Registry, new ExplainabilityServerOptions { MaxReceiveMessageBytes = 64 * 1024, MinimumLogLevel = LogLevel.Warning });
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Explainer.ExplainerClient(channel);
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", Enumerable.Range(0, 200)));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ExplainAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("exceeds the maximum configured message size", e.Status.Detail, StringComparison.Ordinal);
        request.Rows.Clear();
        request.Rows.Add(server.BackgroundRows("credit-risk", [0]));
        Assert.Single((await client.ExplainAsync(request)).Rows);
        await app.StopAsync();
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels contain every one of <paramref name="labels"/>.</summary>
    private static double Sum(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
}
