using Explainability.Core.Shap;
using Explainability.Server.Explaining;
using Explainability.Server.Summaries;

namespace Explainability.Server.Tests.Summaries;

/// <summary>The summary over the shipped credit-risk model's background, against per-row explanations made independently.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class SummaryServiceTests(ServerFixture server)
{
    [Fact]
    public void Mean_abs_SHAP_in_chunks_equals_the_mean_of_per_row_explanations_of_the_whole_background()
    {
        var model = server.Registry.Get("credit-risk");
        var rows = model.Background!;
        var expected = ExplanationService.Explain(model, rows, new ExplainOptions(AllowExtraColumns: true)).Explanation;
        int output = model.ExplainedOutput(expected);

        // Chunks of 37 rows: the last is partial, so chunking cannot hide in the numbers.
        var outcome = SummaryService.Summarize(model, rows, new SummarizeOptions(new ExplainOptions(AllowExtraColumns: true, DegreeOfParallelism: 2), ChunkRows: 37));

        Assert.Equal(rows.RowCount, outcome.Whole.RowCount);
        Assert.Equal(expected.FeatureNames, outcome.Whole.Features.Select(f => f.Name));
        for (int f = 0; f < expected.FeatureCount; f++)
        {
            double meanAbs = Enumerable.Range(0, expected.RowCount).Average(r => Math.Abs(expected.Phi(r, f, output)));
            double mean = Enumerable.Range(0, expected.RowCount).Average(r => expected.Phi(r, f, output));
            Assert.True(Math.Abs(meanAbs - outcome.Whole.Features[f].MeanAbsShap) <= 1e-12, $"{expected.FeatureNames[f]}: mean |phi| {meanAbs:R}, summary {outcome.Whole.Features[f].MeanAbsShap:R}");
            Assert.True(Math.Abs(mean - outcome.Whole.Features[f].MeanShap) <= 1e-12, $"{expected.FeatureNames[f]}: mean phi {mean:R}, summary {outcome.Whole.Features[f].MeanShap:R}");
            Assert.Equal(rows.RowCount, outcome.Whole.Features[f].Beeswarm.Sum(b => b.Count));
            Assert.Equal(rows.RowCount, outcome.Whole.Features[f].Dependence.Sum(b => b.Count));
        }

        // The card's groups: each group's mean |SHAP| is that of its members' summed SHAP values.
        Assert.NotEmpty(outcome.Whole.Groups);
        foreach (var group in outcome.Whole.Groups)
        {
            var members = group.Features.Select(name => expected.FeatureNames.ToList().IndexOf(name)).ToArray();
            double meanAbs = Enumerable.Range(0, expected.RowCount).Average(r => Math.Abs(members.Sum(f => expected.Phi(r, f, output))));
            Assert.True(Math.Abs(meanAbs - group.MeanAbsShap) <= 1e-12, $"group {group.Name}: {meanAbs:R} vs {group.MeanAbsShap:R}");
        }
    }

    [Fact]
    public void Interaction_values_of_a_row_sum_with_the_main_effects_to_its_SHAP_values()
    {
        var model = server.Registry.Get("credit-risk");
        var rows = server.BackgroundTable("credit-risk", Enumerable.Range(0, 12));
        var explanation = ExplanationService.Explain(model, rows, new ExplainOptions(AllowExtraColumns: true)).Explanation;
        var columns = model.Onnx.ComputeColumns(rows, allowExtraColumns: true);
        var interactions = TreeShapInteractions.Compute(model.PreparedTreeShap(TreeShapMethod.PathDependent), explanation.OutputNames, columns);
        int features = explanation.FeatureCount;
        for (int r = 0; r < rows.RowCount; r++)
        {
            for (int j = 0; j < features; j++)
            {
                double sum = Enumerable.Range(0, features).Sum(i => interactions.Value(r, j, i, 0));
                Assert.True(Math.Abs(sum - explanation.Phi(r, j, 0)) <= 1e-9, $"row {r} {explanation.FeatureNames[j]}: sum {sum:R}, phi {explanation.Phi(r, j, 0):R}");
                for (int i = 0; i < features; i++)
                {
                    Assert.True(Math.Abs(interactions.Value(r, j, i, 0) - interactions.Value(r, i, j, 0)) <= 1e-9, $"row {r} not symmetric at {j}, {i}");
                }
            }
        }
    }

    [Fact]
    public void Cohorts_row_counts_add_up_and_the_top_interactions_are_of_the_top_features()
    {
        var model = server.Registry.Get("credit-risk");
        var rows = model.Background!;
        var outcome = SummaryService.Summarize(model, rows, new SummarizeOptions(new ExplainOptions(AllowExtraColumns: true), Bins: 5, Interactions: 3, CohortColumn: "housing", ChunkRows: 64));

        Assert.Equal("housing", outcome.CohortColumn);
        Assert.True(outcome.Cohorts.Count >= 2);
        Assert.Equal(rows.RowCount, outcome.Cohorts.Sum(c => c.Summary.RowCount));
        var top = outcome.Whole.Features.OrderByDescending(f => f.MeanAbsShap).Take(3).Select(f => f.Name);
        Assert.Equal(top, outcome.Whole.Interactions!.Conditioned);
        Assert.All(outcome.Whole.Interactions.Pairs, p => Assert.True(top.Contains(p.FeatureA) || top.Contains(p.FeatureB)));
        Assert.All(outcome.Whole.Features, f => Assert.True(f.Beeswarm.Count <= 5));
    }

    [Fact]
    public void Interactions_with_a_method_other_than_path_dependent_and_an_unknown_cohort_column_are_refused()
    {
        var model = server.Registry.Get("credit-risk");
        var rows = server.BackgroundTable("credit-risk", [0, 1]);
        var e = Assert.Throws<ArgumentException>(() => SummaryService.Summarize(model, rows, new SummarizeOptions(new ExplainOptions("interventional", AllowExtraColumns: true), Interactions: 2)));
        Assert.Contains("interaction values are computed with tree_path_dependent", e.Message, StringComparison.Ordinal);
        var c = Assert.Throws<Onnx.InputException>(() => SummaryService.Summarize(model, rows, new SummarizeOptions(new ExplainOptions(AllowExtraColumns: true), CohortColumn: "segment")));
        Assert.Contains("cohort column 'segment' is not a column of the input", c.Message, StringComparison.Ordinal);
    }
}
