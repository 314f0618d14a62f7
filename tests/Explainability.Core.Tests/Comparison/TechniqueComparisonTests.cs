using Explainability.Core.Comparison;
using Explainability.Core.Explanations;

namespace Explainability.Core.Tests.Comparison;

public class TechniqueComparisonTests
{
    private static readonly string[] Features = ["a", "b", "c", "d"];

    /// <summary>An explanation of <c>phi.Length / features</c> rows, one output, base 0, model output = sum(phi) + residual.</summary>
    internal static Explanation Make(
        double[] phi, string method = "exact", string[]? features = null, double[]? se = null, double residual = 0,
        OutputSpace space = OutputSpace.Margin, int outputs = 1, string[]? outputNames = null)
    {
        features ??= Features;
        int rows = phi.Length / (features.Length * outputs);
        var baseValues = new double[rows * outputs];
        var modelOutputs = new double[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = 0;
                for (int f = 0; f < features.Length; f++)
                {
                    sum += phi[(((r * features.Length) + f) * outputs) + o];
                }

                modelOutputs[(r * outputs) + o] = sum + residual;
            }
        }

        return new Explanation
        {
            FeatureNames = features,
            OutputNames = outputNames ?? [.. Enumerable.Range(0, outputs).Select(o => $"out{o}")],
            OutputSpace = space,
            Link = LinkFunction.Logistic,
            Method = method,
            Parameters = new Dictionary<string, string>(),
            RowCount = rows,
            ShapValues = phi,
            BaseValues = baseValues,
            ModelOutputs = modelOutputs,
            AdditivityResiduals = Explanation.Residuals(rows, features.Length, outputs, phi, baseValues, modelOutputs),
            StandardErrors = se,
        };
    }

    private static TechniqueRun Run(string name, Explanation e, double ms = 1, long evaluations = 0) =>
        new(name, e, TimeSpan.FromMilliseconds(ms), evaluations);

    // Row 0: |phi_A| = [0.4, 0.3, 0.2, 0.1] -> ranks [4, 3, 2, 1]
    //        |phi_B| = [0.3, 0.4, 0.1, 0.2] -> ranks [3, 4, 1, 2]
    //        d = [1, -1, 1, -1], sum d^2 = 4, rho = 1 - 6 * 4 / (4 * (16 - 1)) = 1 - 24 / 60 = 0.6
    //        top-2: A {a, b}, B {b, a} -> 2/2 = 1; top-1: A {a}, B {b} -> 0; top-3: A {a, b, c}, B {b, a, d} -> 2/3
    // Row 1: |phi_A| = [0.1, 0.2, 0.3, 0.4] -> ranks [1, 2, 3, 4]
    //        |phi_B| = [0.4, 0.3, 0.2, 0.1] -> ranks [4, 3, 2, 1], rho = -1
    //        top-2: A {d, c}, B {a, b} -> 0; top-1: 0; top-3: A {b, c, d}, B {a, b, c} -> 2/3
    // Means over rows: rho (0.6 - 1) / 2 = -0.2; top-2 (1 + 0) / 2 = 0.5; top-1 0; top-3 2/3.
    private static readonly double[] PhiA = [0.4, -0.3, 0.2, 0.1, 0.1, 0.2, -0.3, 0.4];
    private static readonly double[] PhiB = [0.3, 0.4, -0.1, 0.2, -0.4, 0.3, 0.2, 0.1];

    [Theory]
    [InlineData(2, 0.5, 0.0)]
    [InlineData(1, 0.0, 0.0)]
    [InlineData(3, 2.0 / 3, 2.0 / 3)]
    public void Spearman_and_top_k_overlap_match_the_hand_computed_values(int k, double meanOverlap, double minOverlap)
    {
        var c = TechniqueComparison.Compute([Run("A", Make(PhiA)), Run("B", Make(PhiB, "kernel"))], topK: k);

        var p = Assert.Single(c.Pairs);
        Assert.Equal(("A", "B"), (p.A, p.B));
        Assert.Equal(-0.2, p.MeanSpearman!.Value, 12);
        Assert.Equal(-1.0, p.MinSpearman!.Value, 12);
        Assert.Equal(0, p.SpearmanUndefinedCount);
        Assert.Equal(meanOverlap, p.MeanTopKOverlap, 12);
        Assert.Equal(minOverlap, p.MinTopKOverlap, 12);
        Assert.Equal(k, c.TopK);
        Assert.Same(p, c.Pair("B", "A"));
    }

    [Fact]
    public void Spearman_gives_ties_their_average_rank_and_top_k_takes_ties_in_feature_order()
    {
        // |phi_A| = [0.5, 0.5, 0.1, 0.0] -> ranks [3.5, 3.5, 2, 1]; |phi_B| = [0.5, 0.2, 0.3, 0.0] -> ranks [4, 2, 3, 1].
        // Centred (mean 2.5): A [1, 1, -0.5, -1.5], B [1.5, -0.5, 0.5, -1.5].
        // cov = 1.5 - 0.5 - 0.25 + 2.25 = 3; var A = 4.5, var B = 5; rho = 3 / sqrt(22.5) = 0.632455532...
        // top-1: A {a} (a and b tie, a comes first), B {a} -> 1.
        var c = TechniqueComparison.Compute([Run("A", Make([0.5, -0.5, 0.1, 0.0])), Run("B", Make([0.5, 0.2, -0.3, 0.0]))], topK: 1);
        Assert.Equal(3 / Math.Sqrt(22.5), c.Pairs[0].MeanSpearman!.Value, 12);
        Assert.Equal(1.0, c.Pairs[0].MeanTopKOverlap);
    }

    [Fact]
    public void Identical_explanations_agree_fully_and_have_no_delta()
    {
        var c = TechniqueComparison.Compute([Run("exact", Make(PhiA)), Run("kernel", Make(PhiA, "kernel"))], reference: "exact");

        var p = c.Pairs[0];
        Assert.Equal(1.0, p.MeanSpearman!.Value, 12);
        Assert.Equal(1.0, p.MeanTopKOverlap);
        Assert.Equal(3, c.TopK); // requested 5, capped at F - 1 = 3: with k = F every overlap is 1 by construction
        Assert.Equal(5, c.RequestedTopK);
        var kernel = c.Techniques[1];
        Assert.Equal(0.0, kernel.MaxAbsDeltaPhi);
        Assert.Equal(0.0, kernel.MeanAbsDeltaPhi);
        Assert.False(kernel.IsReference);
        Assert.True(c.Techniques[0].IsReference);
        Assert.Null(c.Techniques[0].MaxAbsDeltaPhi);
    }

    [Fact]
    public void Reversed_ranking_has_Spearman_minus_one()
    {
        // |phi| [1, 2, 3, 4] against [4, 3, 2, 1]: d = [-3, -1, 1, 3], sum d^2 = 20, rho = 1 - 120 / 60 = -1.
        var c = TechniqueComparison.Compute([Run("A", Make([1, 2, 3, 4])), Run("B", Make([-4, 3, -2, 1]))], topK: 2);
        Assert.Equal(-1.0, c.Pairs[0].MeanSpearman!.Value, 12);
        Assert.Equal(0.0, c.Pairs[0].MeanTopKOverlap); // top-2 {d, c} against {a, b}
    }

    [Fact]
    public void Per_technique_metrics_are_the_hand_computed_maxima_and_means()
    {
        // Deltas against the reference [0.4, -0.3, 0.2, 0.1]: [0.05, 0, 0.1, 0] -> max 0.1, mean 0.15 / 4 = 0.0375.
        // Standard errors [0.01, 0.02, 0.03, 0.06] -> mean 0.03, max 0.06. Residual -0.002 -> max |residual| 0.002.
        var exact = Make([0.4, -0.3, 0.2, 0.1]);
        var kernel = Make([0.45, -0.3, 0.1, 0.1], "kernel", se: [0.01, 0.02, 0.03, 0.06], residual: -0.002);
        var c = TechniqueComparison.Compute([Run("exact", exact, 2.5, 0), Run("kernel", kernel, 40, 12_288)], reference: "exact");

        var k = c.Techniques[1];
        Assert.Equal(0.1, k.MaxAbsDeltaPhi!.Value, 12);
        Assert.Equal(0.0375, k.MeanAbsDeltaPhi!.Value, 12);
        Assert.Equal(0.03, k.MeanStandardError!.Value, 12);
        Assert.Equal(0.06, k.MaxStandardError!.Value, 12);
        Assert.Equal(0.002, k.MaxAbsAdditivityResidual, 12);
        Assert.Equal(TimeSpan.FromMilliseconds(40), k.WallTime);
        Assert.Equal(12_288, k.ModelEvaluations);
        Assert.Equal([0.45, 0.3, 0.1, 0.1], k.MeanAbsPhi);
        Assert.Null(c.Techniques[0].MeanStandardError);
        Assert.Equal(0.0, c.Techniques[0].MaxAbsAdditivityResidual, 12);
    }

    [Fact]
    public void Without_a_reference_no_delta_is_reported()
    {
        var c = TechniqueComparison.Compute([Run("A", Make(PhiA)), Run("B", Make(PhiB))]);
        Assert.Null(c.Reference);
        Assert.All(c.Techniques, t => Assert.Null(t.MaxAbsDeltaPhi));
    }

    [Fact]
    public void Rows_of_all_ties_are_left_out_of_Spearman_and_counted()
    {
        // Row 0 as in the hand-computed example (rho 0.6); row 1 all zero in A: no ranking, left out.
        double[] a = [0.4, -0.3, 0.2, 0.1, 0, 0, 0, 0];
        double[] b = [0.3, 0.4, -0.1, 0.2, 0.1, 0.2, 0.3, 0.4];
        var p = TechniqueComparison.Compute([Run("A", Make(a)), Run("B", Make(b))], topK: 2).Pairs[0];
        Assert.Equal(0.6, p.MeanSpearman!.Value, 12);
        Assert.Equal(1, p.SpearmanUndefinedCount);
        // top-2 row 1: A {a, b} (all tied, feature order), B {d, c} -> 0; mean (1 + 0) / 2.
        Assert.Equal(0.5, p.MeanTopKOverlap, 12);
    }

    [Fact]
    public void Each_output_is_ranked_separately()
    {
        // Two outputs, one row; [F, O] row-major. Output 0 ranks A and B the same, output 1 reversed: mean (1 - 1) / 2 = 0.
        double[] a = [1, 4, 2, 3, 3, 2, 4, 1];
        double[] b = [1, 1, 2, 2, 3, 3, 4, 4];
        var p = TechniqueComparison.Compute([Run("A", Make(a, outputs: 2)), Run("B", Make(b, outputs: 2))]).Pairs[0];
        Assert.Equal(0.0, p.MeanSpearman!.Value, 12);
        Assert.Equal(-1.0, p.MinSpearman!.Value, 12);
    }

    [Fact]
    public void Three_techniques_give_three_pairs_in_input_order()
    {
        var c = TechniqueComparison.Compute([Run("x", Make(PhiA)), Run("y", Make(PhiB)), Run("z", Make(PhiA))]);
        Assert.Equal(["x/y", "x/z", "y/z"], c.Pairs.Select(p => $"{p.A}/{p.B}"));
        Assert.Equal(1.0, c.Pair("x", "z").MeanSpearman!.Value, 12);
    }

    [Fact]
    public void Different_features_are_refused_naming_the_index_and_both_names()
    {
        var e = Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute(
            [Run("exact", Make([1, 2, 3, 4])), Run("kernel", Make([1, 2, 3, 4], features: ["a", "b", "x", "d"]))]));
        Assert.Contains("'exact' and 'kernel' differ in features at index 2: 'c' vs 'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Different_row_counts_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute([Run("A", Make(PhiA)), Run("B", Make([1, 2, 3, 4]))]));
        Assert.Contains("differ in rows: 2 vs 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Different_feature_counts_outputs_and_spaces_are_refused()
    {
        var fewer = Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute(
            [Run("A", Make([1, 2, 3, 4])), Run("B", Make([1, 2, 3], features: ["a", "b", "c"]))]));
        Assert.Contains("differ in features: 4 vs 3", fewer.Message, StringComparison.Ordinal);

        var outputs = Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute(
            [Run("A", Make([1, 2, 3, 4], outputNames: ["bad"])), Run("B", Make([1, 2, 3, 4], outputNames: ["good"]))]));
        Assert.Contains("differ in outputs at index 0: 'bad' vs 'good'", outputs.Message, StringComparison.Ordinal);

        var space = Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute(
            [Run("A", Make([1, 2, 3, 4])), Run("B", Make([1, 2, 3, 4], space: OutputSpace.Probability))]));
        Assert.Contains("differ in output space: Margin vs Probability", space.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explanation_whose_arrays_disagree_with_its_shape_is_refused()
    {
        var bad = Make([1, 2, 3, 4], se: [0.1, 0.1]);
        var e = Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute([Run("kernel", bad)]));
        Assert.Contains("'kernel': StandardErrors has 2 values; expected [R, F, O] = 1 x 4 x 1 -> 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_finite_SHAP_value_is_refused_naming_row_feature_and_output()
    {
        var e = Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute(
            [Run("kernel", Make([1, 2, 3, 4, 1, 2, double.NaN, 4]))]));
        Assert.Contains("'kernel': SHAP value of row 1, feature 'c', output 'out0' is NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_names_reference_and_k_are_refused()
    {
        var x = Make([1, 2, 3, 4]);
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute([Run("A", x), Run("A", x)])).Message, StringComparison.Ordinal);
        Assert.Contains("reference 'exact' is not among the techniques: A", Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute([Run("A", x)], "exact")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => TechniqueComparison.Compute([Run("A", x)], topK: 0));
        Assert.Throws<ArgumentException>(() => TechniqueComparison.Compute([]));
    }

    [Fact]
    public void Model_evaluations_are_read_from_the_explanation_parameters()
    {
        var e = Make([1, 2, 3, 4], "kernel") with { Parameters = new Dictionary<string, string> { ["model_evaluations"] = "4096" } };
        var run = TechniqueRun.FromExplanation(e, TimeSpan.FromSeconds(1));
        Assert.Equal(("kernel", 4096L), (run.Name, run.ModelEvaluations));
        Assert.Equal(0, TechniqueRun.FromExplanation(Make([1, 2, 3, 4]), TimeSpan.Zero).ModelEvaluations);
        var bad = e with { Parameters = new Dictionary<string, string> { ["model_evaluations"] = "-1" } };
        Assert.Throws<FormatException>(() => TechniqueRun.FromExplanation(bad, TimeSpan.Zero));
    }
}
