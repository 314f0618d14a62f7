using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Core.Summaries;

namespace Explainability.Core.Tests.Summaries;

public class GlobalSummarizerTests
{
    // Four rows of a numeric feature x (one missing) and a categorical feature c, worked by hand below.
    private static SummaryData Data(double[]? interactions = null, IReadOnlyList<int>? conditioned = null) => new()
    {
        FeatureNames = ["x", "c"],
        OutputName = "bad",
        OutputSpace = OutputSpace.Margin,
        Method = "tree_path_dependent",
        RowCount = 4,
        Shap = [1, -2, -1, 0, 3, 0, -3, 2],
        Values =
        [
            FeatureValue.Of(10), FeatureValue.Of("a"),
            FeatureValue.Of(30), FeatureValue.Of("b"),
            FeatureValue.Of(20), FeatureValue.Of("a"),
            FeatureValue.Missing, FeatureValue.Of("b"),
        ],
        Interactions = interactions,
        Conditioned = conditioned ?? [],
    };

    [Fact]
    public void Means_beeswarm_and_dependence_match_a_hand_worked_example()
    {
        var s = GlobalSummarizer.Summarize(Data(), new SummaryOptions(Bins: 2, Groups: [new FeatureGroup("all", ["x", "c"])]));
        var x = s.Features[0];
        var c = s.Features[1];

        // x: SHAP 1, -1, 3, -3 -> mean |.| 2, mean 0. c: -2, 0, 0, 2 -> mean |.| 1, mean 0.
        Assert.Equal(2, x.MeanAbsShap);
        Assert.Equal(0, x.MeanShap);
        Assert.Equal(1, c.MeanAbsShap);

        // Standard errors of mean |SHAP|: x's |SHAP| 1, 1, 3, 3 -> sample variance (1 + 1 + 1 + 1) / 3, over 4 rows:
        // sqrt(4 / 3 / 4) = sqrt(1/3). c's |SHAP| 2, 0, 0, 2: the same spread.
        Assert.Equal(Math.Sqrt(1.0 / 3), x.MeanAbsShapStandardError!.Value, 15);
        Assert.Equal(Math.Sqrt(1.0 / 3), c.MeanAbsShapStandardError!.Value, 15);
        Assert.False(x.Categorical);
        Assert.True(c.Categorical);

        // x's SHAP in [-3, 0) and [0, 3]: {-1, -3} and {1, 3}; colour (x - 10) / 20 of rows with a value: {1} and {0, 0.5}.
        Assert.Equal([2, 2], x.Beeswarm.Select(b => b.Count));
        Assert.Equal(-3, x.Beeswarm[0].Lower);
        Assert.Equal(3, x.Beeswarm[1].Upper);
        Assert.Equal(1.0, x.Beeswarm[0].MeanNormalizedValue);
        Assert.Equal(0.25, x.Beeswarm[1].MeanNormalizedValue);
        Assert.All(c.Beeswarm, b => Assert.Null(b.MeanNormalizedValue));

        // x's quantile edges over {10, 20, 30}: 10, 20, 30 -> [10, 20) = {1}, [20, 30] = {3, -1}; then missing = {-3}.
        Assert.Equal(["[10, 20)", "[20, 30]", "missing"], x.Dependence.Select(d => d.Label));
        Assert.Equal([1, 2, 1], x.Dependence.Select(d => d.Count));
        Assert.Equal(1, x.Dependence[1].MeanShap);
        Assert.Equal(2, x.Dependence[1].StandardDeviationShap);
        Assert.Equal(0, x.Dependence[0].StandardDeviationShap);

        // c by category: a = {-2, 0}, b = {0, 2}.
        Assert.Equal(["a", "b"], c.Dependence.Select(d => d.Label));
        Assert.Equal([-1.0, 1.0], c.Dependence.Select(d => d.MeanShap));
        Assert.Equal([1.0, 1.0], c.Dependence.Select(d => d.StandardDeviationShap));

        // Group sums per row: -1, -1, 3, -1 -> mean |.| 1.5, mean 0.
        Assert.Equal(1.5, s.Groups[0].MeanAbsShap);
        Assert.Equal(0, s.Groups[0].MeanShap);
        Assert.Null(s.Interactions);
    }

    [Fact]
    public void One_row_has_no_standard_error_of_its_mean_absolute_SHAP()
    {
        var data = Data() with { RowCount = 1, Shap = [1, -2], Values = [FeatureValue.Of(10), FeatureValue.Of("a")] };
        var s = GlobalSummarizer.Summarize(data, new SummaryOptions(Bins: 2));

        Assert.All(s.Features, f => Assert.Null(f.MeanAbsShapStandardError));
        Assert.Equal(2, s.Features[1].MeanAbsShap);
    }

    [Fact]
    public void Cohorts_add_up_to_the_rows_and_report_the_difference_to_the_whole()
    {
        var cohorts = GlobalSummarizer.Cohorts(Data(), new SummaryOptions(), ["north", "north", "south", "south"]);
        Assert.Equal(["north", "south"], cohorts.Select(c => c.Value));
        Assert.Equal(4, cohorts.Sum(c => c.Summary.RowCount));

        // north: x SHAP {1, -1} -> mean |.| 1, whole 2; c {-2, 0} -> 1, whole 1. south: x {3, -3} -> 3; c {0, 2} -> 1.
        Assert.Equal([-1.0, 0.0], cohorts[0].MeanAbsShapDifference);
        Assert.Equal([1.0, 0.0], cohorts[1].MeanAbsShapDifference);
    }

    [Fact]
    public void Interaction_pairs_are_twice_the_mean_absolute_half_and_the_strongest_come_first()
    {
        // K = 1 (feature c conditioned), [R, K, F]: Phi[c, x] and Phi[c, c] per row.
        double[] interactions = [0.5, -2.5, -1, 1, 0.5, -0.5, -1, 3];
        var s = GlobalSummarizer.Summarize(Data(interactions, [1]), new SummaryOptions());
        var summary = s.Interactions!;
        Assert.Equal(["c"], summary.Conditioned);
        Assert.Equal(1.75, summary.MainEffects[0]);
        var pair = Assert.Single(summary.Pairs);
        Assert.Equal(("x", "c"), (pair.FeatureA, pair.FeatureB));
        Assert.Equal(1.5, pair.MeanAbsInteraction);
    }

    [Fact]
    public void Top_features_are_ordered_by_mean_absolute_SHAP()
    {
        Assert.Equal([0, 1], GlobalSummarizer.TopFeatures(Data(), 5));
        Assert.Equal([0], GlobalSummarizer.TopFeatures(Data(), 1));
    }

    [Fact]
    public void Bad_bins_groups_and_cohort_columns_are_refused_naming_the_value()
    {
        Assert.Contains("bins 0 is outside 1..1000", Assert.Throws<ArgumentException>(() => GlobalSummarizer.Summarize(Data(), new SummaryOptions(Bins: 0))).Message, StringComparison.Ordinal);
        Assert.Contains("'y' is not a feature", Assert.Throws<ArgumentException>(() => GlobalSummarizer.Summarize(Data(), new SummaryOptions(Groups: [new FeatureGroup("g", ["y"])]))).Message, StringComparison.Ordinal);
        Assert.Contains("3 cohort values for 4 rows", Assert.Throws<ArgumentException>(() => GlobalSummarizer.Cohorts(Data(), new SummaryOptions(), ["a", "b", "c"])).Message, StringComparison.Ordinal);
    }
}
