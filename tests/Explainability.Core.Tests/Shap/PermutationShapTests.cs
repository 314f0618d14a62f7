using Explainability.Core.Models;
using Explainability.Core.Shap;
using static Explainability.Core.Tests.Shap.ExactShapTests;

namespace Explainability.Core.Tests.Shap;

public class PermutationShapTests
{
    [Fact]
    public void Permutation_with_two_players_is_exact_because_an_antithetic_pair_holds_both_orders()
    {
        // f = x0 * x1, x = [2, 3], background {[0, 0], [1, 1]}: v() = 0.5, v{0} = 1, v{1} = 1.5, v{01} = 6.
        // Order (0, 1): player 0 adds 1 - 0.5 = 0.5, player 1 adds 6 - 1 = 5; order (1, 0): player 1 adds 1, player 0 adds 4.5.
        // Every pair's estimate is [2.5, 3], so the values are exact and the standard errors 0.
        var model = FuncModel.Scalar(2, x => x[0] * x[1]);
        var game = new InterventionalGame(model, [0, 0, 1, 1]);
        var e = PermutationShap.Explain(game, [2, 3], Labels(2), permutationPairs: 10, seed: 5);
        AssertValues(e, 0, 0.5, [2.5, 3.0], 1e-12);
        Assert.Equal([0.0, 0.0], e.StandardErrors!);
        Assert.Equal(MethodNames.Permutation, e.Method);

        // Base: 2 rows; f(x): 1 row; 10 pairs x 2 orders x 1 proper prefix x 2 background rows = 40 rows.
        Assert.Equal(2 + 1 + 40, model.Rows);
        Assert.Equal("41", e.Parameters["model_evaluations"]);
        Assert.Equal("2", e.Parameters["base_evaluations"]);
    }

    [Fact]
    public void Permutation_refuses_fewer_than_ten_pairs()
    {
        var game = new InterventionalGame(FuncModel.Scalar(2, x => x[0] * x[1]), [0, 0]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PermutationShap.Explain(game, [1, 1], Labels(2), permutationPairs: 9, seed: 0));
        Assert.Contains("at least 10 antithetic pairs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Permutation_C20_same_seed_is_bit_identical_and_every_seed_is_additive()
    {
        var game = new InterventionalGame(FuncModel.Scalar(12, x => (x[0] * x[1] * x[2]) + x.Skip(3).Sum()), new double[12]);
        var ones = Enumerable.Repeat(1.0, 12).ToArray();
        var first = PermutationShap.Explain(game, ones, Labels(12), permutationPairs: 20, seed: 42);
        var again = PermutationShap.Explain(game, ones, Labels(12), permutationPairs: 20, seed: 42, degreeOfParallelism: 3);
        Assert.Equal(first.ShapValues, again.ShapValues);
        Assert.Equal(first.StandardErrors!, again.StandardErrors!);
        Assert.Equal("42", first.Parameters["seed"]);
        foreach (int seed in new[] { 42, 7, 99 })
        {
            var e = PermutationShap.Explain(game, ones, Labels(12), permutationPairs: 20, seed: seed);
            Assert.True(Math.Abs(e.AdditivityResiduals[0]) < 1e-9);

            // x3..x11 add exactly 1 in every order; x0..x2 share 1, each within 3 standard errors of 1/3.
            for (int f = 3; f < 12; f++)
            {
                Assert.Equal(1.0, e.Phi(0, f, 0), 12);
            }

            for (int f = 0; f < 3; f++)
            {
                Assert.True(Math.Abs(e.Phi(0, f, 0) - (1.0 / 3)) <= 3 * e.StandardErrors![f], $"seed {seed} feature {f}");
            }
        }
    }

    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    [InlineData(53)]
    public void Permutation_lies_within_3_standard_errors_of_TreeShap_and_Exact_on_random_ensembles(int seed)
    {
        // Interventional TreeSHAP == ExactShap == KernelSHAP (enumerated) to 1e-9, and permutation SHAP within 3 standard
        // errors of them (plus 1e-9 where a value's pairs all agree) for every value of these seeds.
        var rng = new Random(seed);
        int within = 0, total = 0;
        for (int trial = 0; trial < 15; trial++)
        {
            int m = rng.Next(2, 7), outputs = rng.Next(1, 3);
            var ensemble = RandomEnsembles.Create(rng, m, outputs, rng.Next(1, 5), rng.Next(1, 6));
            int players = rng.Next(2, m + 1);
            var player = Enumerable.Range(0, m).Select(c => c < players ? c : rng.Next(players)).OrderBy(_ => rng.Next()).ToArray();
            var background = Enumerable.Range(0, rng.Next(1, 6)).SelectMany(_ => RandomEnsembles.Row(rng, m)).ToArray();
            var rows = Enumerable.Range(0, 4).SelectMany(_ => RandomEnsembles.Row(rng, m)).ToArray();
            var tree = new TreeShapInterventional(ensemble, background, player, players);
            var game = new InterventionalGame(new TreeEnsembleModel(ensemble), background, player, players);
            var labels = Labels(players, outputs: outputs);
            var exact = ExactShap.Explain(game, rows, labels);
            AssertMatchesTreeShap(tree, exact, rows, m, players, outputs);
            AssertMatchesTreeShap(tree, KernelShap.Explain(game, rows, labels, (int)KernelShap.EnumerationSize(players), seed: trial), rows, m, players, outputs);
            var permutation = PermutationShap.Explain(game, rows, labels, permutationPairs: 40, seed: trial);
            for (int i = 0; i < exact.ShapValues.Length; i++)
            {
                total++;
                if (Math.Abs(permutation.ShapValues[i] - exact.ShapValues[i]) <= (3 * permutation.StandardErrors![i]) + 1e-9)
                {
                    within++;
                }
            }

            Assert.All(permutation.AdditivityResiduals, r => Assert.True(Math.Abs(r) < 1e-9));
        }

        Assert.Equal(total, within);
    }
}
