using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests.Summaries;

/// <summary>The Summarize RPC over the real server.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class SummarizeRpcTests(ServerFixture server)
{
    [Fact]
    public async Task Summary_of_credit_risk_rows_matches_the_per_row_Explain_answers()
    {
        int[] picked = [.. Enumerable.Range(0, 60)];
        var request = new SummarizeRequest { ModelId = "credit-risk", CohortColumn = "housing", Interactions = 2, Bins = 4 };
        request.Rows.Add(server.BackgroundRows("credit-risk", picked));
        var explain = new ExplainRequest { ModelId = "credit-risk" };
        explain.Rows.Add(server.BackgroundRows("credit-risk", picked));

        var response = await server.Client.SummarizeAsync(request);
        var rows = (await server.Client.ExplainAsync(explain)).Rows;

        Assert.Equal("credit-risk", response.ModelId);
        Assert.Equal("tree_path_dependent", response.Method);
        Assert.Equal("margin", response.OutputSpace);
        Assert.Equal(60, response.Summary.Rows);
        Assert.Equal("bad", response.Summary.Output);
        for (int f = 0; f < response.Summary.Features.Count; f++)
        {
            var feature = response.Summary.Features[f];
            Assert.Equal(rows[0].Attributions[f].Feature, feature.Feature);
            double meanAbs = rows.Average(r => Math.Abs(r.Attributions[f].Phi[0]));
            Assert.True(Math.Abs(meanAbs - feature.MeanAbsShap) <= 1e-12, $"{feature.Feature}: explain {meanAbs:R}, summarize {feature.MeanAbsShap:R}");
            double variance = rows.Sum(r => Math.Pow(Math.Abs(r.Attributions[f].Phi[0]) - meanAbs, 2)) / 59;
            Assert.True(feature.HasMeanAbsShapStandardError);
            Assert.Equal(Math.Sqrt(variance / 60), feature.MeanAbsShapStandardError, 9);
            Assert.Equal(60, feature.Beeswarm.Sum(b => b.Count));
            Assert.True(feature.Beeswarm.Count <= 4);
        }

        Assert.Equal(2, response.Summary.InteractionFeatures.Count);
        Assert.Equal(2, response.Summary.MainEffects.Count);
        Assert.NotEmpty(response.Summary.InteractionPairs);
        Assert.Equal("housing", response.CohortColumn);
        Assert.Equal(60, response.Cohorts.Sum(c => c.Summary.Rows));
        Assert.All(response.Cohorts, c => Assert.Equal(20, c.MeanAbsShapDifference.Count));
        Assert.NotEmpty(response.Summary.Groups);
    }

    [Theory]
    [InlineData("segment", 0, 0, "", "cohort column 'segment' is not a column of the input")]
    [InlineData("", -1, 0, "", "interactions is -1")]
    [InlineData("", 0, 1001, "", "bins is 1001; expected 1..1000")]
    [InlineData("", 2, 0, "interventional", "interaction values are computed with tree_path_dependent")]
    [InlineData("", 0, 0, "shapley", "unknown method 'shapley'")]
    public async Task Bad_requests_are_InvalidArgument_naming_the_field(string cohort, int interactions, int bins, string method, string message)
    {
        var request = new SummarizeRequest { ModelId = "credit-risk", CohortColumn = cohort, Interactions = interactions, Bins = bins, Method = method };
        request.Rows.Add(server.BackgroundRows("credit-risk", [0, 1]));

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.SummarizeAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_rows_than_the_limit_is_ResourceExhausted_and_an_unknown_model_NotFound()
    {
        var (app, port) = await ServerFixture.StartAsync(server.Registry, new ExplainabilityServerOptions { MaxRowsPerRequest = 2, MinimumLogLevel = LogLevel.Warning });
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Explainer.ExplainerClient(channel);
        var request = new SummarizeRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [0, 1, 2]));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.SummarizeAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("at most 2 rows", e.Status.Detail, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.SummarizeAsync(new SummarizeRequest { ModelId = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        await app.StopAsync();
    }
}
