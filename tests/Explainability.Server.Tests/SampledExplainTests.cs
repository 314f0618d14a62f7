using Explainability.Protos;

namespace Explainability.Server.Tests;

/// <summary>Explain over gRPC with a model-agnostic method: the budget, seed, standard errors and the method and space
/// actually used travel in the new fields; the same seed gives bit-identical values.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class SampledExplainTests(ServerFixture server)
{
    [Fact]
    public async Task Kernel_request_carries_nsamples_seed_and_standard_errors_and_is_reproducible()
    {
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "kernel", Nsamples = 100, Seed = 5, WithSe = true };
        request.Rows.Add(server.BackgroundRows("credit-risk", [3, 4]));

        var first = await server.Client.ExplainAsync(request);
        var second = await server.Client.ExplainAsync(request);

        Assert.Equal("kernel", first.Method);
        Assert.Equal("margin", first.OutputSpace);
        Assert.Equal("", first.FallbackReason);
        Assert.Equal("100", first.Parameters["nsamples"]);
        Assert.Equal("5", first.Parameters["seed"]);
        Assert.Equal("20", first.Parameters["players"]);
        Assert.Equal("200", first.Parameters["background_rows"]);
        // Each call is recorded under new ids; everything else is bit-identical.
        Assert.Empty(first.Rows.Select(r => r.ExplanationId).Intersect(second.Rows.Select(r => r.ExplanationId)));
        Assert.Equal(LedgerIds.Cleared(first).Rows, LedgerIds.Cleared(second).Rows);
        foreach (var row in first.Rows)
        {
            Assert.All(row.Attributions, a => Assert.Equal(a.Phi.Count, a.StandardErrors.Count));
            Assert.Contains(row.Attributions, a => a.StandardErrors[0] > 0);
            Assert.True(Math.Abs(row.AdditivityResiduals[0]) < 1e-9);
        }

        request.WithSe = false;
        var without = await server.Client.ExplainAsync(request);
        Assert.All(without.Rows.SelectMany(r => r.Attributions), a => Assert.Empty(a.StandardErrors));
    }

    [Fact]
    public async Task Permutation_in_probability_space_explains_the_served_probability_additively_and_views_say_probability()
    {
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "permutation", OutputSpace = "probability", Nsamples = 10 };
        request.Rows.Add(server.BackgroundRows("credit-risk", [7]));
        request.Audiences.Add("data-scientist");
        request.Audiences.Add("business-manager");

        var response = await server.Client.ExplainAsync(request);

        Assert.Equal("permutation", response.Method);
        Assert.Equal("probability", response.OutputSpace);
        Assert.Equal("explained function is the ONNX Runtime served output", response.Parameters["runtime_check"]);
        var row = response.Rows[0];
        Assert.All(row.ModelOutputs, p => Assert.InRange(p, 0, 1));
        Assert.All(row.AdditivityResiduals, r => Assert.True(Math.Abs(r) < 1e-9));
        // Casebook C30: probability-space values are labelled as probabilities, never as log-odds.
        Assert.Contains("probability space", row.Views[0].Rendered, StringComparison.Ordinal);
        Assert.Contains("Method: permutation", row.Views[0].Rendered, StringComparison.Ordinal);
        Assert.All(row.Views, v => Assert.DoesNotContain("log-odds", v.Rendered, StringComparison.Ordinal));
    }
}
