using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Core.Models;
using Explainability.Core.Shap;

namespace Explainability.Core.Tests.Shap;

public class ExactShapTests
{
    internal static ExplanationLabels Labels(int features, OutputSpace space = OutputSpace.Margin, LinkFunction link = LinkFunction.Identity, int outputs = 1) =>
        new(Enumerable.Range(0, features).Select(f => $"x{f}").ToArray(), Enumerable.Range(0, outputs).Select(o => $"y{o}").ToArray(), space, link);

    internal static void AssertValues(Explanation e, int row, double expectedBase, double[] expectedPhi, double tolerance, int output = 0)
    {
        Assert.Equal(expectedBase, e.Base(row, output), tolerance);
        for (int f = 0; f < expectedPhi.Length; f++)
        {
            Assert.Equal(expectedPhi[f], e.Phi(row, f, output), tolerance);
        }

        Assert.True(Math.Abs(e.AdditivityResiduals[(row * e.OutputCount) + output]) < 1e-9, $"residual {e.AdditivityResiduals[(row * e.OutputCount) + output]}");
    }

    [Fact]
    public void Exact_matches_hand_worked_product_over_two_background_rows()
    {
        // f = x0 * x1, x = [2, 3], background {[0, 0], [1, 1]}.
        // v() = (0 + 1) / 2 = 0.5; v{0} = (2*0 + 2*1) / 2 = 1; v{1} = (0*3 + 1*3) / 2 = 1.5; v{01} = 6.
        // phi0 = 1/2[(1 - 0.5) + (6 - 1.5)] = 2.5; phi1 = 1/2[(1.5 - 0.5) + (6 - 1)] = 3; 0.5 + 2.5 + 3 = 6.
        var game = new InterventionalGame(FuncModel.Scalar(2, x => x[0] * x[1]), [0, 0, 1, 1]);
        var e = ExactShap.Explain(game, [2, 3], Labels(2));
        AssertValues(e, 0, 0.5, [2.5, 3.0], 1e-12);
        Assert.Equal(6.0, e.Output(0, 0), 12);
        Assert.Equal(MethodNames.Exact, e.Method);
        Assert.Null(e.StandardErrors);
    }

    [Fact]
    public void Exact_takes_the_columns_of_one_player_together()
    {
        // Columns [a0, a1, c]: a one-hot pair (player A) and c (player C). f = 3*a1 + c*a0, x = [0, 1, 2], background [1, 0, 0].
        // v() = f(1,0,0) = 0; v{A} = f(0,1,0) = 3; v{C} = f(1,0,2) = 2; v{AC} = f(0,1,2) = 3.
        // phiA = 1/2[(3 - 0) + (3 - 2)] = 2; phiC = 1/2[(2 - 0) + (3 - 3)] = 1.
        var game = new InterventionalGame(FuncModel.Scalar(3, x => (3 * x[1]) + (x[2] * x[0])), [1, 0, 0], [0, 0, 1], 2);
        var e = ExactShap.Explain(game, [0, 1, 2], Labels(2));
        AssertValues(e, 0, 0, [2.0, 1.0], 1e-12);
    }

    [Fact]
    public void Exact_over_a_feature_map_drops_the_constant_column_player_and_stays_additive()
    {
        // Columns [a0, a1, c, k]: a one-hot pair (feature A), c (feature C) and k, a constant column depending on no feature.
        // f = 3*a1 + c*a0 + 10*k, x = [0, 1, 2, 1], background [1, 0, 0, 1]: k is 1 in both, so base = 10 and, as in the
        // grouped test above, phiA = 2 and phiC = 1; output 13.
        var map = new FeatureMap(["A", "C"], [0, 0, 1, -1]);
        var game = new InterventionalGame(FuncModel.Scalar(4, x => (3 * x[1]) + (x[2] * x[0]) + (10 * x[3])), [1, 0, 0, 1], map);
        Assert.Equal(3, game.PlayerCount);
        var e = ExactShap.Explain(game, [0, 1, 2, 1], new ExplanationLabels(map.FeatureNames, ["y"], OutputSpace.Margin, LinkFunction.Identity));
        Assert.Equal(2, e.FeatureCount);
        AssertValues(e, 0, 10, [2.0, 1.0], 1e-12);
        Assert.Equal(13.0, e.Output(0, 0), 12);
    }

    [Fact]
    public void Exact_C19_gives_casebook_values_and_an_exact_zero_for_the_constant_feature()
    {
        var model = FuncModel.Scalar(4, x => (x[0] * x[1]) + (2 * x[2]) + (0 * x[3]));
        var a = ExactShap.Explain(new InterventionalGame(model, [0, 0, 0, 5]), [1, 2, 3, 5], Labels(4));
        AssertValues(a, 0, 0, [1.0, 1.0, 6.0, 0.0], 1e-12);
        var b = ExactShap.Explain(new InterventionalGame(model, [0, 0, 0, 5, 2, 1, 1, 5]), [1, 2, 3, 5], Labels(4));
        AssertValues(b, 0, 2.0, [-0.25, 1.25, 5.0, 0.0], 1e-12);
        Assert.Equal(0.0, a.Phi(0, 3, 0));
        Assert.Equal(0.0, b.Phi(0, 3, 0));
    }

    [Fact]
    public void Exact_C22_probability_space_logistic_regression()
    {
        var model = FuncModel.Scalar(2, x => FuncModel.Sigmoid((2 * x[0]) - x[1] + 0.5));
        var game = new InterventionalGame(model, [1, 1, -1, -1]);
        var e = ExactShap.Explain(game, [1, 2], Labels(2, OutputSpace.Probability, LinkFunction.Logistic));
        AssertValues(e, 0, 0.597558, [0.296574, -0.271672], 1e-6);
        Assert.Equal(0.622459, e.Output(0, 0), 6);
        Assert.Equal("probability", e.Parameters["model_output"]);
    }

    [Fact]
    public void Exact_C10_output_space_of_a_log_link_model()
    {
        static double T0(double v) => v <= 0 ? Math.Log(2) : Math.Log(8);
        static double T1(double v) => v <= 0 ? 0 : Math.Log(3);
        var one = ExactShap.Explain(new InterventionalGame(FuncModel.Scalar(1, x => Math.Exp(T0(x[0]))), [-1, 1]), [1], Labels(1, OutputSpace.Probability, LinkFunction.Exp));
        AssertValues(one, 0, 5.0, [3.0], 1e-9);
        Assert.Equal(8.0, one.Output(0, 0), 9);
        var two = ExactShap.Explain(new InterventionalGame(FuncModel.Scalar(2, x => Math.Exp(T0(x[0]) + T1(x[1]))), [-1, -1]), [1, 1], Labels(2, OutputSpace.Probability, LinkFunction.Exp));
        AssertValues(two, 0, 2.0, [12.0, 10.0], 1e-9);
        Assert.Equal(24.0, two.Output(0, 0), 9);
    }

    [Fact]
    public void Exact_C07_probability_space_with_a_logit_base_score()
    {
        var model = FuncModel.Scalar(1, x => FuncModel.Sigmoid(Math.Log(0.4 / 0.6) + (x[0] < 1.0 ? -0.3 : 0.5)));
        var e = ExactShap.Explain(new InterventionalGame(model, [0.0]), [2.0], Labels(1, OutputSpace.Probability, LinkFunction.Logistic));
        AssertValues(e, 0, 0.330602, [0.193014], 1e-6);
        Assert.Equal(0.523616, e.Output(0, 0), 6);
    }

    [Fact]
    public void Exact_C05b_probability_space_of_two_logistic_trees()
    {
        var model = FuncModel.Scalar(2, x => FuncModel.Sigmoid((x[0] <= 0 ? 2 : 6) + (x[1] <= 0 ? -2 : 4)));
        var e = ExactShap.Explain(new InterventionalGame(model, [-1, -1]), [1, 1], Labels(2, OutputSpace.Probability, LinkFunction.Logistic));
        AssertValues(e, 0, 0.5, [0.242221, 0.257734], 1e-6);
        Assert.Equal(0.4999546, e.Phi(0, 0, 0) + e.Phi(0, 1, 0), 7);
    }

    [Fact]
    public void Exact_refuses_more_players_than_the_limit_naming_both()
    {
        var game = new InterventionalGame(FuncModel.Scalar(17, x => x.Sum()), new double[17]);
        var ex = Assert.Throws<ArgumentException>(() => ExactShap.Explain(game, new double[17], Labels(17)));
        Assert.Contains("16 players", ex.Message, StringComparison.Ordinal);
        Assert.Contains("17 players", ex.Message, StringComparison.Ordinal);
        Assert.Equal(17, ExactShap.Explain(game, new double[17], Labels(17), maxPlayers: 17).FeatureCount);
    }

    [Fact]
    public void Exact_C20_with_13_players_enumerates_in_chunks_and_gives_one_third_and_one()
    {
        // f = x0 x1 x2 + sum x3..x12, x = ones, background zeros: x0..x2 share 1 (each is last of the three in a third
        // of the orders), the others add 1 each. 2^13 - 2 = 8190 coalitions: more than one chunk of masks.
        var model = FuncModel.Scalar(13, x => (x[0] * x[1] * x[2]) + x.Skip(3).Sum());
        var e = ExactShap.Explain(new InterventionalGame(model, new double[13]), Enumerable.Repeat(1.0, 13).ToArray(), Labels(13), maxPlayers: 13);
        AssertValues(e, 0, 0, [.. Enumerable.Repeat(1.0 / 3, 3), .. Enumerable.Repeat(1.0, 10)], 1e-12);
        Assert.Equal(1 + 1 + 8190, model.Rows);
    }

    [Fact]
    public void Exact_batches_model_calls_within_the_limit_and_counts_every_row()
    {
        // 4 players, 3 background rows, 2 explained rows: base 3 rows, f(x) 2 rows, 2 x (16 - 2) x 3 = 84 coalition rows.
        var rng = new Random(5);
        var background = Enumerable.Range(0, 12).Select(_ => rng.NextDouble()).ToArray();
        var rows = Enumerable.Range(0, 8).Select(_ => rng.NextDouble() + 2).ToArray();
        static double F(double[] x) => (x[0] * x[1]) + Math.Sin(x[2] * x[3]) + (x[0] * x[0] * x[2]);
        var small = FuncModel.Scalar(4, F);
        var large = FuncModel.Scalar(4, F);
        var e7 = ExactShap.Explain(new InterventionalGame(small, background, maxBatchRows: 7), rows, Labels(4));
        var eBig = ExactShap.Explain(new InterventionalGame(large, background), rows, Labels(4), degreeOfParallelism: 2);
        Assert.Equal(3 + 2 + 84, small.Rows);
        Assert.Equal((small.Rows - 3).ToString(CultureInfo.InvariantCulture), e7.Parameters["model_evaluations"]);
        Assert.Equal("3", e7.Parameters["base_evaluations"]);
        Assert.True(small.LargestCall <= 7);
        Assert.Equal(1 + 1 + 2, large.Calls); // the background, f(x) of both rows, then one call per explained row.
        Assert.Equal(e7.ShapValues, eBig.ShapValues);
    }

    [Fact]
    public void Game_lowers_the_batch_for_a_wide_model_so_a_call_holds_at_most_2_to_the_24_values()
    {
        int inputs = 1 << 20;
        var game = new InterventionalGame(new FuncModel(inputs, 1, (x, y) => y[0] = x[0]), new double[inputs]);
        Assert.Equal(16, game.MaxBatchRows);
        Assert.Equal(7, new InterventionalGame(FuncModel.Scalar(3, x => x[0]), new double[3], maxBatchRows: 7).MaxBatchRows);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void Exact_equals_interventional_TreeShap_on_random_ensembles_with_random_player_groups(int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 15; trial++)
        {
            int m = rng.Next(1, 7), outputs = rng.Next(1, 3);
            var ensemble = RandomEnsembles.Create(rng, m, outputs, rng.Next(1, 5), rng.Next(0, 6));
            int players = rng.Next(1, m + 1);
            var player = Enumerable.Range(0, m).Select(c => c < players ? c : rng.Next(players)).OrderBy(_ => rng.Next()).ToArray();
            var background = Enumerable.Range(0, rng.Next(1, 6)).SelectMany(_ => RandomEnsembles.Row(rng, m)).ToArray();
            var rows = Enumerable.Range(0, 4).SelectMany(_ => RandomEnsembles.Row(rng, m)).ToArray();
            var tree = new TreeShapInterventional(ensemble, background, player, players);
            var game = new InterventionalGame(new TreeEnsembleModel(ensemble), background, player, players);
            var exact = ExactShap.Explain(game, rows, Labels(players, outputs: outputs));
            AssertMatchesTreeShap(tree, exact, rows, m, players, outputs);
        }
    }

    internal static void AssertMatchesTreeShap(TreeShapInterventional tree, Explanation e, double[] rows, int columns, int players, int outputs)
    {
        var ws = tree.CreateWorkspace();
        var phi = new double[players * outputs];
        for (int r = 0; r < e.RowCount; r++)
        {
            tree.Explain(rows.AsSpan(r * columns, columns), phi, ws);
            for (int o = 0; o < outputs; o++)
            {
                Assert.Equal(tree.ExpectedValue[o], e.Base(r, o), 1e-9);
                for (int p = 0; p < players; p++)
                {
                    Assert.Equal(phi[(p * outputs) + o], e.Phi(r, p, o), 1e-9);
                }

                Assert.True(Math.Abs(e.AdditivityResiduals[(r * outputs) + o]) < 1e-9);
            }
        }
    }
}
