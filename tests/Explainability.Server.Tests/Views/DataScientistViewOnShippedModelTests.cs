using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;

namespace Explainability.Server.Tests.Views;

/// <summary>The data-scientist view of a shipped model served by the service: its numbers are the explanation's own.</summary>
public sealed class DataScientistViewOnShippedModelTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("permutation")]
    public void View_numbers_equal_the_explanation_with_method_seed_model_hash_and_standard_errors_where_sampled(string? method)
    {
        using var model = LoadedModel.Load(Path.Combine(ServerFixture.ModelsDirectory, "credit-risk"));
        var service = new ExplanationService(ViewService.CreateDefault());
        var outcome = ExplanationService.Explain(model, model.Background!.SelectRows([7]), new ExplainOptions(Method: method, AllowExtraColumns: true, NSamples: method is null ? null : 10, Seed: method is null ? null : 42));
        var e = outcome.Explanation;
        int o = ExplanationContext.PositiveOutput(e, model.Card);
        var rendered = service.Render(outcome, 0, Audiences.DataScientist, "md");
        var view = rendered.View;

        Assert.Equal(e.Base(0, o), view.BaseValue);
        Assert.Equal(e.Output(0, o), view.ModelOutput);
        Assert.Equal(e.AdditivityResiduals[o], view.AdditivityResidual);
        Assert.Equal(e.Method, view.Method);
        Assert.Equal(model.Card.Features.Count, view.Items.Count);
        for (int f = 0; f < e.FeatureCount; f++)
        {
            var item = view.Items.Single(i => i.Key == e.FeatureNames[f]);
            Assert.Equal(e.Phi(0, f, o), item.Value);
            Assert.Equal(e.StandardErrors?[(f * e.OutputCount) + o], item.StandardError);
        }

        var parameters = view.Parameters!;
        Assert.Equal(model.Sha256, parameters["model_sha256"]);
        Assert.Contains($"| `model_sha256` | {model.Sha256} |", rendered.Rendered, StringComparison.Ordinal);
        if (method is not null)
        {
            Assert.Equal("42", parameters["seed"]);
            Assert.Contains(view.Items, i => i.StandardError > 0);
            Assert.Contains(" | 0.0", rendered.Rendered, StringComparison.Ordinal);
        }

        Assert.Equal(e.Output(0, o), view.Waterfall!.Steps[^1].After);
        Assert.True(rendered.Rendered.Contains("## Waterfall (log-odds)", StringComparison.Ordinal));
        Assert.Equal(0, view.Omissions.ShareOfAbsPhiNotShown);
    }
}
