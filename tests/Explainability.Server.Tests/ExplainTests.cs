using Explainability.Core.Shap;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Views;

namespace Explainability.Server.Tests;

[Collection(ServerTestGroup.Name)]
public sealed class ExplainTests(ServerFixture server)
{
    private static readonly string[] AllAudiences = ["data-scientist", "business-manager", "fraud-analyst", "customer"];

    [Theory]
    [InlineData("credit-risk", "tree_path_dependent")]
    [InlineData("credit-risk", "interventional")]
    [InlineData("card-fraud", "tree_path_dependent")]
    [InlineData("card-fraud", "interventional")]
    public async Task Explain_background_rows_is_additive_and_equals_the_in_process_explanation(string modelId, string method)
    {
        int[] picked = [0, 1, 2];
        var request = new ExplainRequest { ModelId = modelId, Method = method };
        request.Rows.Add(server.BackgroundRows(modelId, picked));
        request.Audiences.Add(AllAudiences);

        var response = await server.Client.ExplainAsync(request);

        var model = server.Registry.Get(modelId);
        var expected = ExplanationService.Explain(
            model, server.BackgroundTable(modelId, picked), new ExplainOptions(method, AllowExtraColumns: true)).Explanation;
        Assert.Equal(modelId, response.ModelId);
        Assert.Equal(model.Version, response.ModelVersion);
        Assert.Equal(model.Sha256, response.ModelSha256);
        Assert.Equal(method, response.Method);
        Assert.Equal("margin", response.OutputSpace);
        Assert.Equal(model.Sha256, response.Parameters["model_sha256"]);
        Assert.Equal(picked.Length, response.Rows.Count);
        for (int r = 0; r < picked.Length; r++)
        {
            var row = response.Rows[r];
            Assert.Equal(r, row.Row);
            Assert.Equal(expected.OutputNames, row.Outputs);
            Assert.Empty(row.Offsets);
            Assert.Equal(model.Card.Features.Select(f => f.Name), row.Attributions.Select(a => a.Feature));
            for (int o = 0; o < row.Outputs.Count; o++)
            {
                double sum = row.BaseValues[o] + row.Attributions.Sum(a => a.Phi[o]);
                Assert.True(Math.Abs(sum - row.ModelOutputs[o]) <= 1e-9, $"row {r} output {o}: base + sum(phi) = {sum:R}, model output {row.ModelOutputs[o]:R}");
                Assert.Equal(expected.Output(r, o), row.ModelOutputs[o]);
                Assert.Equal(expected.Base(r, o), row.BaseValues[o]);
                for (int f = 0; f < row.Attributions.Count; f++)
                {
                    Assert.Equal(expected.Phi(r, f, o), row.Attributions[f].Phi[o]);
                }
            }

            Assert.Equal(AllAudiences, row.Views.Select(v => v.Audience));
            foreach (var view in row.Views)
            {
                Assert.Equal("text", view.Format);
                AssertEndsWithOmissionSection(view.Rendered, $"{modelId} row {r} {view.Audience}");
            }

            var customer = row.Views.Single(v => v.Audience == Audiences.Customer);
            foreach (var hidden in model.Card.Features.Where(f => f["protected"] || f["internal"]))
            {
                foreach (var name in hidden.DisplayName.Values)
                {
                    Assert.DoesNotContain(name, customer.Rendered, StringComparison.Ordinal);
                }

                Assert.All(customer.Omissions, e => Assert.DoesNotContain(hidden.Name, e.Features));
            }

            Assert.Contains(customer.Omissions, e => e.Kind == "hidden-tagged" && e.WithheldFeatureCount > 0 && e.LossMeasure == "share_of_abs_phi");
            Assert.Contains(customer.Omissions, e => e.Kind == "score-hidden");
        }
    }

    [Fact]
    public async Task Explain_defaults_to_path_dependent_margin_text_and_no_views()
    {
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [5]));

        var response = await server.Client.ExplainAsync(request);

        Assert.Equal("tree_path_dependent", response.Method);
        Assert.Equal("margin", response.OutputSpace);
        Assert.Empty(Assert.Single(response.Rows).Views);
    }

    [Fact]
    public async Task Explain_takes_NaN_and_an_unset_value_of_a_numeric_feature_as_missing_and_stays_additive()
    {
        // A categorical feature without a value is refused instead (BadRequestTests): its one-hot would be all zeros.
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "interventional" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [2]));
        request.Rows[0].Values["duration"] = new FeatureValue { Number = double.NaN };
        request.Rows[0].Values["age"] = new FeatureValue();
        request.Audiences.Add("customer");

        var row = Assert.Single((await server.Client.ExplainAsync(request)).Rows);

        Assert.True(Math.Abs(row.BaseValues[0] + row.Attributions.Sum(a => a.Phi[0]) - row.ModelOutputs[0]) <= 1e-9);
    }

    [Fact]
    public async Task Explain_renders_markdown_and_the_requested_language_with_the_views_own_omission_record()
    {
        var request = new ExplainRequest { ModelId = "credit-risk", Format = "md", Language = "nl" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [1]));
        request.Audiences.Add(["data-scientist", "business-manager"]);

        var response = await server.Client.ExplainAsync(request);

        var views = Assert.Single(response.Rows).Views;
        Assert.All(views, v => Assert.Equal("md", v.Format));
        // Neither audience has a Dutch template: each view is English throughout and says so.
        Assert.All(views, v => Assert.Equal("en", v.Language));
        Assert.All(views, v => Assert.Contains("## What this explanation leaves out", v.Rendered, StringComparison.Ordinal));
        var manager = views[1];
        Assert.Contains(manager.Omissions, e => e.Kind == "grouped" && e.LossMeasure == "cancelled_share_of_abs_phi" && e.Measures.ContainsKey("cancelled_share_of_abs_phi"));
        Assert.Contains(manager.Omissions, e => e.Kind == "rounded" && e.LossMeasure == "max_rounding_error" && e.Loss > 0);
        Assert.All(manager.Omissions, e => Assert.False(string.IsNullOrWhiteSpace(e.Description)));
        Assert.True(manager.ShareOfAbsPhiNotShown is >= 0 and <= 1);
        Assert.True(views[0].HasUnexplainedPart);
        Assert.Empty(views[0].Omissions);
    }

    /// <summary>Casebook C25: concurrent calls give the single-call answer.</summary>
    [Fact]
    public async Task C25_64_concurrent_Explain_calls_equal_the_single_call_answers()
    {
        var rows = server.BackgroundRows("credit-risk", [0, 1, 2, 3]);
        ExplainRequest RequestFor(int i)
        {
            var request = new ExplainRequest { ModelId = "credit-risk", Method = i % 2 == 0 ? "tree_path_dependent" : "interventional" };
            request.Rows.Add(rows[i % 4]);
            request.Audiences.Add(AllAudiences);
            return request;
        }

        // Eight distinct requests (4 rows x 2 methods), answered one at a time.
        var single = new ExplainResponse[8];
        for (int i = 0; i < single.Length; i++)
        {
            single[i] = await server.Client.ExplainAsync(RequestFor(i));
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => server.Client.ExplainAsync(RequestFor(i)).ResponseAsync));
        Assert.Equal(72, single.Concat(concurrent).Select(r => r.Rows[0].ExplanationId).Distinct().Count());

        for (int i = 0; i < concurrent.Length; i++)
        {
            Assert.Equal(LedgerIds.Cleared(single[i % 8]), LedgerIds.Cleared(concurrent[i]));
        }
    }

    private static void AssertEndsWithOmissionSection(string text, string what)
    {
        const string Marker = "This explanation leaves out";
        int start = text.LastIndexOf(Marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{what}: no omission section:\n{text}");
        var after = text[start..].Split('\n').Skip(1).Where(l => l.Trim().Length > 0).ToList();
        Assert.True(after.Count > 0, $"{what}: the omission section is empty");
        Assert.All(after, l => Assert.False(l.TrimEnd().EndsWith(':') || l.StartsWith('#'), $"{what}: a new section after the omission section: '{l}'"));
        string[] closings = ["not shown", "not explained", "not listed above"];
        Assert.True(closings.Any(c => after[^1].Contains(c, StringComparison.Ordinal)), $"{what}: the last line does not state what is not shown: '{after[^1]}'");
    }
}
