using System.Text.Json;
using System.Text.Json.Nodes;
using Explainability.Core.Explanations;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;

namespace Explainability.Server.Tests.Views;

/// <summary>The portfolio picture on the shipped models: computed once per loaded model, equal to a direct computation,
/// and the model card's policy overrides applied where the server projects views.</summary>
public sealed class ReferenceImportanceTests
{
    private static string ModelFolder(string id) => Path.Combine(ServerFixture.ModelsDirectory, id);

    [Fact]
    public void Reference_attributions_are_computed_once_over_every_background_row_with_the_default_explainer()
    {
        using var model = LoadedModel.Load(ModelFolder("credit-risk"));
        var reference = model.ReferenceAttributions!;
        Assert.Same(reference, model.ReferenceAttributions);
        Assert.Equal(model.Background!.RowCount, reference.RowCount);
        Assert.Equal("tree_path_dependent", reference.Method);
        Assert.Equal("200 background rows", reference.Source);

        var direct = ExplanationService.Explain(model, model.Background, new ExplainOptions(AllowExtraColumns: true)).Explanation;
        int o = ExplanationContext.PositiveOutput(direct, model.Card);
        for (int r = 0; r < direct.RowCount; r++)
        {
            for (int f = 0; f < direct.FeatureCount; f++)
            {
                Assert.Equal(direct.Phi(r, f, o), reference.Phi[(r * direct.FeatureCount) + f]);
            }

            // The proportional factor, worked directly from the logistic link: (p(x) - p(base)) / (m(x) - m(base)) * 100.
            double m = direct.Output(r, o), b = direct.Base(r, o);
            double expected = (Link.Logistic(m) - Link.Logistic(b)) / (m - b) * 100;
            Assert.Equal(expected, reference.ProbabilityScale[r], 9);
        }
    }

    [Theory]
    [InlineData("credit-risk")]
    [InlineData("card-fraud")]
    public void Business_manager_view_served_by_the_service_carries_the_portfolio_picture_measured_directly(string id)
    {
        using var model = LoadedModel.Load(ModelFolder(id));
        var service = new ExplanationService(ViewService.CreateDefault());
        var outcome = ExplanationService.Explain(model, model.Background!.SelectRows([0, 1]), new ExplainOptions(AllowExtraColumns: true));
        var rendered = service.Render(outcome, 1, Audiences.BusinessManager, "text");
        var picture = rendered.View.GlobalImportance!;
        Assert.Equal("percentage points", picture.Unit);

        // Independently: per background row, sum the group's phi, rescale by that row's factor, take |.|, average.
        var direct = ExplanationService.Explain(model, model.Background, new ExplainOptions(AllowExtraColumns: true)).Explanation;
        int o = ExplanationContext.PositiveOutput(direct, model.Card);
        foreach (var item in picture.Items)
        {
            var features = item.Features.Select(n => model.Card.Features.ToList().FindIndex(f => f.Name == n)).ToList();
            double sum = 0;
            for (int r = 0; r < direct.RowCount; r++)
            {
                double m = direct.Output(r, o), b = direct.Base(r, o);
                double factor = (Link.Logistic(m) - Link.Logistic(b)) / (m - b) * 100;
                sum += Math.Abs(features.Sum(f => direct.Phi(r, f, o)) * factor);
            }

            Assert.Equal(sum / direct.RowCount, item.Value, 9);
        }

        Assert.Equal(model.Card.Features.Any(f => f.Group.Length > 0), picture.Items.Any(i => i.Key.StartsWith("group:", StringComparison.Ordinal)));
        Assert.Contains("The model overall", rendered.Rendered, StringComparison.Ordinal);
        Assert.Null(service.Render(outcome, 1, Audiences.Customer, "text").View.GlobalImportance);
    }

    [Fact]
    public void A_black_box_model_explains_only_as_many_reference_rows_as_the_evaluation_bound_allows()
    {
        // MIN aggregation: TreeSHAP cannot take it, so the default is KernelSHAP; each explained row costs its coalitions
        // times the 2000 background rows, so only the leading rows within ReferenceImportance.MaxModelEvaluations are explained.
        string folder = Path.Combine(Path.GetTempPath(), "black-box-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var rng = new Random(3);
            string background = Path.Combine(folder, "background.csv");
            File.WriteAllLines(background, ["a,b", .. Enumerable.Range(0, 2000).Select(_ => $"{rng.Next(-3, 4)},{rng.Next(-3, 4)}")]);
            string onnx = Path.Combine(ServerFixture.RepoRoot, "tests", "Explainability.Onnx.Tests", "Fixtures", "tree_min_aggregation", "tree_min_aggregation.onnx");
            using var model = LoadedModel.Load(onnx, ["a", "b"], background);
            int expected = (int)(ReferenceImportance.MaxModelEvaluations / (ExplainMethods.DefaultKernelSamples(2) * 2000.0));
            var reference = model.ReferenceAttributions!;
            Assert.Equal("kernel", reference.Method);
            Assert.InRange(expected, 1, 1999);
            Assert.Equal(expected, reference.RowCount);
            Assert.Equal($"the first {expected} of 2000 background rows (bounded cost of kernel)", reference.Source);
            Assert.All(reference.ProbabilityScale, f => Assert.Equal(1, f));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Shipped_card_fraud_card_hides_the_collection_time_from_the_business_manager_only()
    {
        using var model = LoadedModel.Load(ModelFolder("card-fraud"));
        var service = new ExplanationService(ViewService.CreateDefault());
        var outcome = ExplanationService.Explain(model, model.Background!.SelectRows([0]), new ExplainOptions(AllowExtraColumns: true));
        var manager = service.Render(outcome, 0, Audiences.BusinessManager);
        Assert.DoesNotContain(manager.View.Items, i => i.Features.Contains("Time"));
        Assert.DoesNotContain(manager.View.GlobalImportance!.Items, i => i.Features.Contains("Time"));
        var entry = Assert.Single(manager.FullRecord.Entries, e => e.Kind == Explainability.Views.Omissions.OmissionKind.HiddenTagged);
        Assert.Equal(["Time"], entry.Features);
        Assert.Equal("hiddenTags = internal", entry.Rule);
        Assert.DoesNotContain("Time in data window", manager.Rendered, StringComparison.Ordinal);
        Assert.Contains(service.Render(outcome, 0, Audiences.DataScientist).View.Items, i => i.Key == "Time");
    }

    [Fact]
    public void The_service_applies_the_model_cards_override_and_a_bad_override_fails_the_load_naming_card_audience_field_and_value()
    {
        string folder = Path.Combine(Path.GetTempPath(), "policy-model-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            foreach (string file in Directory.GetFiles(ModelFolder("credit-risk")))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            string cardPath = Path.Combine(folder, "model-card.json");
            var card = JsonNode.Parse(File.ReadAllText(cardPath))!.AsObject();
            card["policies"] = JsonNode.Parse("""{ "business-manager": { "topK": 2, "groupByFeatureGroup": false }, "data-scientist": { "governanceThreshold": 0 } }""");
            File.WriteAllText(cardPath, card.ToJsonString());
            using (var model = LoadedModel.Load(folder))
            {
                var service = new ExplanationService(ViewService.CreateDefault());
                var outcome = ExplanationService.Explain(model, model.Background!.SelectRows([5]), new ExplainOptions(AllowExtraColumns: true));
                var manager = service.Render(outcome, 0, Audiences.BusinessManager).View;
                Assert.Equal(2, manager.Items.Count);
                Assert.All(manager.Items, i => Assert.Single(i.Features));
                Assert.DoesNotContain(manager.GlobalImportance!.Items, i => i.Key.StartsWith("group:", StringComparison.Ordinal));
                // Threshold 0: every protected feature with any attribution is alerted on.
                var scientist = service.Render(outcome, 0, Audiences.DataScientist).View;
                int o = ExplanationContext.PositiveOutput(outcome.Explanation, model.Card);
                int protectedNonZero = model.Card.Features.Select((f, i) => (f, i)).Count(x => x.f["protected"] && outcome.Explanation.Phi(0, x.i, o) != 0);
                Assert.True(protectedNonZero > 0);
                Assert.Equal(protectedNonZero, scientist.Alerts.Count);
                Assert.Equal(JsonSerializer.Serialize(outcome.Explanation), JsonSerializer.Serialize(ExplanationService.Explain(model, model.Background!.SelectRows([5]), new ExplainOptions(AllowExtraColumns: true)).Explanation));
            }

            card["policies"] = JsonNode.Parse("""{ "customer": { "hiddenTags": "protected" } }""");
            File.WriteAllText(cardPath, card.ToJsonString());
            var ex = Assert.Throws<InvalidDataException>(() => LoadedModel.Load(folder));
            Assert.Equal($"model card {cardPath}: policy 'customer', field 'hiddenTags': \"protected\" is not an array of strings", ex.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
