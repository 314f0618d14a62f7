using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using static Explainability.Core.Tests.Shap.ExactShapTests;

namespace Explainability.Core.Tests.Shap;

public class LinearShapTests
{
    [Fact]
    public void Linear_C22_margin_values_cancel_and_are_labelled_margin()
    {
        // w = [2, -1], b = 0.5, background {[1, 1], [-1, -1]} with means 0, x = [1, 2]:
        // phi = [2 (1 - 0), -1 (2 - 0)] = [2, -2], base = 0.5, margin = 2 - 2 + 0.5 = 0.5.
        var e = LinearShap.Explain([2, -1], [0.5], LinkFunction.Logistic, [1, 1, -1, -1], [1, 2], ["x0", "x1"], ["p"]);
        AssertValues(e, 0, 0.5, [2.0, -2.0], 1e-12);
        Assert.Equal(0.5, e.Output(0, 0), 12);
        Assert.Equal(OutputSpace.Margin, e.OutputSpace);
        Assert.Equal(LinkFunction.Logistic, e.Link);
        Assert.Equal(MethodNames.Linear, e.Method);
    }

    [Fact]
    public void Linear_sums_the_terms_of_a_players_columns_for_every_output()
    {
        // weights [[1, 2, 3], [0, -1, 1]], b = [0.5, -1], columns 0 and 1 are player A, column 2 player C.
        // Background {[0, 0, 0], [2, 2, 2]}: means [1, 1, 1]. x = [3, 1, 2].
        // Output 0: phiA = 1 (3 - 1) + 2 (1 - 1) = 2, phiC = 3 (2 - 1) = 3, base 1 + 2 + 3 + 0.5 = 6.5, margin 11.5.
        // Output 1: phiA = 0 (3 - 1) - 1 (1 - 1) = 0, phiC = 1 (2 - 1) = 1, base 0 - 1 + 1 - 1 = -1, margin 0.
        var e = LinearShap.Explain([1, 2, 3, 0, -1, 1], [0.5, -1], LinkFunction.Identity, [0, 0, 0, 2, 2, 2], [3, 1, 2], ["A", "C"], ["y0", "y1"], [0, 0, 1], 2);
        AssertValues(e, 0, 6.5, [2.0, 3.0], 1e-12, output: 0);
        AssertValues(e, 0, -1.0, [0.0, 1.0], 1e-12, output: 1);
        Assert.Equal(11.5, e.Output(0, 0), 12);
        Assert.Equal(0.0, e.Output(0, 1), 12);
    }

    [Fact]
    public void Linear_equals_exact_shap_of_the_linear_margin_with_random_player_groups()
    {
        var rng = new Random(61);
        for (int trial = 0; trial < 20; trial++)
        {
            int columns = rng.Next(1, 8), outputs = rng.Next(1, 4), players = rng.Next(1, columns + 1);
            var player = Enumerable.Range(0, columns).Select(c => c < players ? c : rng.Next(players)).OrderBy(_ => rng.Next()).ToArray();
            var weights = Enumerable.Range(0, outputs * columns).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var intercepts = Enumerable.Range(0, outputs).Select(_ => rng.NextDouble()).ToArray();
            var background = Enumerable.Range(0, rng.Next(1, 5) * columns).Select(_ => rng.NextDouble() * 4).ToArray();
            var rows = Enumerable.Range(0, 3 * columns).Select(_ => rng.NextDouble() * 4).ToArray();
            var model = new FuncModel(columns, outputs, (x, y) =>
            {
                for (int o = 0; o < outputs; o++)
                {
                    y[o] = intercepts[o];
                    for (int c = 0; c < columns; c++)
                    {
                        y[o] += weights[(o * columns) + c] * x[c];
                    }
                }
            });
            var labels = Labels(players, outputs: outputs);
            var exact = ExactShap.Explain(new InterventionalGame(model, background, player, players), rows, labels);
            var linear = LinearShap.Explain(weights, intercepts, LinkFunction.Identity, background, rows, labels.FeatureNames, labels.OutputNames, player, players);
            for (int i = 0; i < exact.ShapValues.Length; i++)
            {
                Assert.Equal(exact.ShapValues[i], linear.ShapValues[i], 1e-9);
            }

            for (int i = 0; i < exact.BaseValues.Length; i++)
            {
                Assert.Equal(exact.BaseValues[i], linear.BaseValues[i], 1e-9);
                Assert.Equal(exact.ModelOutputs[i], linear.ModelOutputs[i], 1e-9);
                Assert.True(Math.Abs(linear.AdditivityResiduals[i]) < 1e-9);
            }
        }
    }
}
