using Explainability.Protos;
using Grpc.Core;

namespace Explainability.Server.Tests;

/// <summary>The Compare RPC over the real server: per technique metrics, pairwise agreement and the optional report.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class CompareTests(ServerFixture server)
{
    [Fact]
    public async Task Credit_risk_TreeSHAP_methods_report_metrics_and_a_defined_Spearman()
    {
        var request = new CompareRequest { ModelId = "credit-risk", TopK = 3, Format = "md" };
        request.Methods.Add(["interventional", "tree_path_dependent"]);
        request.Rows.Add(server.BackgroundRows("credit-risk", [0, 1, 2]));

        var response = await server.Client.CompareAsync(request);

        Assert.Equal("credit-risk", response.ModelId);
        Assert.Equal("margin", response.OutputSpace);
        Assert.Equal("", response.Reference);
        Assert.Equal(3, response.TopK);
        Assert.Equal(3, response.RowCount);
        Assert.Equal(20, response.FeatureNames.Count);
        Assert.Equal(["interventional", "tree_path_dependent"], response.Techniques.Select(t => t.Name));
        foreach (var t in response.Techniques)
        {
            Assert.True(t.WallTimeMs > 0, t.Name);
            Assert.Equal(0, t.ModelEvaluations);
            Assert.True(t.MaxAbsAdditivityResidual < 1e-6, $"{t.Name}: residual {t.MaxAbsAdditivityResidual}");
            Assert.False(t.HasMaxAbsDeltaPhi);
            Assert.False(t.HasMeanStandardError);
            Assert.Equal(20, t.MeanAbsPhi.Count);
        }

        var pair = Assert.Single(response.Pairs);
        Assert.Equal(("interventional", "tree_path_dependent"), (pair.A, pair.B));
        Assert.True(pair.HasMeanSpearman);
        Assert.InRange(pair.MeanSpearman, -1, 1);
        Assert.True(pair.HasMinSpearman);
        Assert.InRange(pair.MeanTopKOverlap, 0, 1);
        Assert.Equal("md", response.ReportFormat);
        Assert.Contains("interventional", response.Report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_format_there_is_no_report()
    {
        var request = new CompareRequest { ModelId = "credit-risk" };
        request.Methods.Add(["tree_path_dependent", "interventional"]);
        request.Rows.Add(server.BackgroundRows("credit-risk", [5]));

        var response = await server.Client.CompareAsync(request);

        Assert.Equal("", response.Report);
        Assert.Equal("", response.ReportFormat);
        Assert.Equal(2, response.Techniques.Count);
    }

    [Theory]
    [InlineData(new[] { "interventional" }, StatusCode.InvalidArgument, "at least two methods")]
    [InlineData(new[] { "interventional", "shapley" }, StatusCode.InvalidArgument, "unknown method 'shapley'")]
    [InlineData(new[] { "interventional", "exact" }, StatusCode.FailedPrecondition, "cannot be explained with method 'exact'")]
    public async Task Bad_method_lists_are_refused_naming_the_problem(string[] methods, StatusCode code, string message)
    {
        var request = new CompareRequest { ModelId = "credit-risk" };
        request.Methods.Add(methods);
        request.Rows.Add(server.BackgroundRows("credit-risk", [0]));

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.CompareAsync(request).ResponseAsync);

        Assert.Equal(code, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>As in Explain, a seed or budget no compared method uses is refused; a sampled method is no reference.</summary>
    [Theory]
    [InlineData(7, null, null, "seed applies to the sampling methods kernel and permutation; the compared methods interventional, tree_path_dependent are deterministic")]
    [InlineData(null, 100, null, "nsamples applies to the sampling methods kernel and permutation; the compared methods interventional, tree_path_dependent compute exact values")]
    [InlineData(null, null, "permutation", "reference 'permutation' is a sampling method")]
    public async Task Seed_nsamples_or_a_sampled_reference_are_refused(int? seed, int? nsamples, string? reference, string message)
    {
        var request = new CompareRequest { ModelId = "credit-risk" };
        request.Methods.Add(reference is null ? ["interventional", "tree_path_dependent"] : ["interventional", reference]);
        request.Rows.Add(server.BackgroundRows("credit-risk", [0]));
        if (seed is { } s)
        {
            request.Seed = s;
        }

        if (nsamples is { } n)
        {
            request.Nsamples = n;
        }

        if (reference is not null)
        {
            request.Reference = reference;
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.CompareAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }
}
