using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Core.Models;
using Explainability.Core.Shap;
using static Explainability.Core.Tests.Shap.ExactShapTests;

namespace Explainability.Core.Tests.Shap;

public class KernelShapTests
{
    private static readonly FuncModel C19Model = FuncModel.Scalar(4, x => (x[0] * x[1]) + (2 * x[2]) + (0 * x[3]));

    private static FuncModel C20Model() => FuncModel.Scalar(12, x => (x[0] * x[1] * x[2]) + x.Skip(3).Sum());

    [Fact]
    public void Kernel_enumerated_matches_hand_worked_product_over_two_background_rows()
    {
        // Same game as the exact test: f = x0 * x1, x = [2, 3], background {[0, 0], [1, 1]}: base 0.5, phi = [2.5, 3].
        // With M = 2 the only coalitions besides the empty and full one are {0} and {1}, with equal kernel weight; the
        // constrained fit phi0 - phi1 = (v{0} - v{1}) = -0.5 and phi0 + phi1 = 5.5 gives the same values.
        var game = new InterventionalGame(FuncModel.Scalar(2, x => x[0] * x[1]), [0, 0, 1, 1]);
        var e = KernelShap.Explain(game, [2, 3], Labels(2), nsamples: 2, seed: 1);
        AssertValues(e, 0, 0.5, [2.5, 3.0], 1e-12);
        Assert.Equal(MethodNames.Kernel, e.Method);
        Assert.Equal([0.0, 0.0], e.StandardErrors!);
        Assert.Equal("1", e.Parameters["rows_enumerated"]);
    }

    [Theory]
    [InlineData(14)]
    [InlineData(20)]
    [InlineData(40)]
    public void Kernel_C19_is_exact_when_all_coalitions_fit_with_an_exact_zero_for_the_constant_feature(int nsamples)
    {
        var a = KernelShap.Explain(new InterventionalGame(C19Model, [0, 0, 0, 5]), [1, 2, 3, 5], Labels(4), nsamples, seed: 3);
        AssertValues(a, 0, 0, [1.0, 1.0, 6.0, 0.0], 1e-9);
        var b = KernelShap.Explain(new InterventionalGame(C19Model, [0, 0, 0, 5, 2, 1, 1, 5]), [1, 2, 3, 5], Labels(4), nsamples, seed: 3);
        AssertValues(b, 0, 2.0, [-0.25, 1.25, 5.0, 0.0], 1e-9);
        Assert.Equal(0.0, a.Phi(0, 3, 0));
        Assert.Equal(0.0, b.Phi(0, 3, 0));
    }

    [Fact]
    public void Kernel_C19_nsamples_sweep_1_to_40_errors_clearly_or_is_additive_and_exact()
    {
        var game = new InterventionalGame(C19Model, [0, 0, 0, 5, 2, 1, 1, 5]);
        for (int nsamples = 1; nsamples <= 40; nsamples++)
        {
            if (nsamples < KernelShap.MinimumSamples(4))
            {
                var ex = Assert.Throws<ArgumentOutOfRangeException>(() => KernelShap.Explain(game, [1, 2, 3, 5], Labels(4), nsamples, seed: nsamples));
                Assert.Contains("nsamples >= 14", ex.Message, StringComparison.Ordinal);
                continue;
            }

            var e = KernelShap.Explain(game, [1, 2, 3, 5], Labels(4), nsamples, seed: nsamples);
            AssertValues(e, 0, 2.0, [-0.25, 1.25, 5.0, 0.0], 1e-9);
        }

        Assert.Equal(14, KernelShap.MinimumSamples(4));
        // More than the 2^4 - 2 = 14 coalitions there are: all 14 are evaluated, and recorded as such.
        var beyond = KernelShap.Explain(game, [1, 2, 3, 5], Labels(4), int.MaxValue, seed: 1);
        AssertValues(beyond, 0, 2.0, [-0.25, 1.25, 5.0, 0.0], 1e-9);
        Assert.Equal("14", beyond.Parameters["nsamples"]);
        Assert.Equal("2147483647", beyond.Parameters["nsamples_requested"]);
        Assert.Equal("true", beyond.Parameters["enumerated"]);
    }

    [Fact]
    public void Kernel_C20_same_seed_is_bit_identical_other_seeds_are_additive_and_full_budget_is_exact()
    {
        var game = new InterventionalGame(C20Model(), new double[12]);
        var ones = Enumerable.Repeat(1.0, 12).ToArray();
        var first = KernelShap.Explain(game, ones, Labels(12), nsamples: 500, seed: 42);
        var again = KernelShap.Explain(game, ones, Labels(12), nsamples: 500, seed: 42, degreeOfParallelism: 4);
        Assert.Equal(first.ShapValues, again.ShapValues);
        Assert.Equal(first.StandardErrors, again.StandardErrors);
        Assert.Equal("42", first.Parameters["seed"]);
        Assert.Equal("500", first.Parameters["nsamples"]);
        Assert.Equal("1", first.Parameters["rows_sampled"]);
        Assert.Contains(first.StandardErrors!, s => s > 0);

        var other = KernelShap.Explain(game, ones, Labels(12), nsamples: 500, seed: 7);
        Assert.NotEqual(first.ShapValues, other.ShapValues);
        Assert.True(Math.Abs(other.AdditivityResiduals[0]) < 1e-9);
        Assert.True(Math.Abs(first.AdditivityResiduals[0]) < 1e-9);

        double[] exact = [.. Enumerable.Repeat(1.0 / 3, 3), .. Enumerable.Repeat(1.0, 9)];
        foreach (int seed in new[] { 42, 7, 12345 })
        {
            var full = KernelShap.Explain(game, ones, Labels(12), nsamples: 4096, seed: seed);
            AssertValues(full, 0, 0, exact, 1e-9);
            Assert.Equal("1", full.Parameters["rows_enumerated"]);
        }
    }

    [Fact]
    public void Kernel_gives_a_row_the_same_bits_alone_or_anywhere_in_a_batch()
    {
        // Casebook C18: the seed of a row depends on the seed and the row, not on its position or neighbours.
        var game = new InterventionalGame(C20Model(), new double[12], maxBatchRows: 1000);
        var rng = new Random(3);
        var x = Enumerable.Range(0, 12).Select(_ => rng.NextDouble()).ToArray();
        var batch = Enumerable.Range(0, 8).SelectMany(r => r is 0 or 5 ? x : Enumerable.Range(0, 12).Select(_ => rng.NextDouble())).ToArray();
        var alone = KernelShap.Explain(game, x, Labels(12), nsamples: 300, seed: 9);
        var inBatch = KernelShap.Explain(game, batch, Labels(12), nsamples: 300, seed: 9, degreeOfParallelism: 3);
        for (int f = 0; f < 12; f++)
        {
            Assert.Equal(alone.Phi(0, f, 0), inBatch.Phi(0, f, 0));
            Assert.Equal(alone.Phi(0, f, 0), inBatch.Phi(5, f, 0));
        }
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public void Kernel_enumerated_equals_interventional_TreeShap_on_random_ensembles_with_random_player_groups(int seed)
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
            var kernel = KernelShap.Explain(game, rows, Labels(players, outputs: outputs), nsamples: (int)KernelShap.EnumerationSize(players), seed: trial);
            AssertMatchesTreeShap(tree, kernel, rows, m, players, outputs);
        }
    }

    [Theory]
    [InlineData(10, 200)]
    [InlineData(12, 80)]
    public void Kernel_standard_errors_cover_the_exact_value_about_95_percent_of_the_time(int m, int nsamples)
    {
        // M players with interactions, 3 background rows; the budget is far below 2^M - 2, so most coalitions are sampled.
        // Over 200 seeds and M players, |phi - exact| <= 2 SE should hold about 95% of the time (measured: 92% to
        // 96% over these two settings).
        double F(double[] x) => (x[0] * x[1] * x[2]) + Math.Sin(x[3] * x[4]) + (2 * x[5]) - (x[6] * x[m - 2]) + (x[8] * x[8] * x[9]) + (0.5 * x[m - 1] * x[0]);
        var rng = new Random(17);
        var background = Enumerable.Range(0, 3 * m).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
        var x = Enumerable.Range(0, m).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
        var game = new InterventionalGame(FuncModel.Scalar(m, F), background);
        var exact = ExactShap.Explain(game, x, Labels(m));
        int covered = 0, total = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            var e = KernelShap.Explain(game, x, Labels(m), nsamples, seed);
            Assert.Equal("1", e.Parameters["rows_sampled"]);
            Assert.True(Math.Abs(e.AdditivityResiduals[0]) < 1e-9);
            for (int f = 0; f < m; f++)
            {
                total++;
                if (Math.Abs(e.Phi(0, f, 0) - exact.Phi(0, f, 0)) <= 2 * e.StandardErrors![f])
                {
                    covered++;
                }
            }
        }

        double coverage = (double)covered / total;
        Assert.True(coverage is >= 0.85 and <= 1.0, coverage.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(20)]
    public void Kernel_at_the_minimum_budget_never_meets_a_singular_regression_and_stays_additive(int m)
    {
        var game = new InterventionalGame(FuncModel.Scalar(m, x => x.Sum() + (x[0] * x[1] * x[m - 1])), new double[m]);
        var ones = Enumerable.Repeat(1.0, m).ToArray();
        for (int seed = 0; seed < 50; seed++)
        {
            var e = KernelShap.Explain(game, ones, Labels(m), KernelShap.MinimumSamples(m), seed);
            Assert.True(Math.Abs(e.AdditivityResiduals[0]) < 1e-9);
            Assert.All(e.StandardErrors!, s => Assert.True(double.IsFinite(s) && s >= 0));
        }
    }

    [Fact]
    public void Kernel_sampled_values_and_errors_scale_with_an_output_that_is_twice_another()
    {
        // Outputs y1 = 2 y0 share the coalitions, so phi and the standard errors of y1 are twice those of y0.
        static double F(ReadOnlySpan<double> x) => (x[0] * x[1]) + Math.Exp(x[2] * x[3]) + (x[4] * x[5] * x[6]) + x[7];
        var model = new FuncModel(8, 2, (x, y) =>
        {
            y[0] = F(x);
            y[1] = 2 * F(x);
        });
        var rng = new Random(8);
        var game = new InterventionalGame(model, Enumerable.Range(0, 16).Select(_ => rng.NextDouble()).ToArray());
        var e = KernelShap.Explain(game, Enumerable.Range(0, 8).Select(_ => rng.NextDouble()).ToArray(), Labels(8, outputs: 2), nsamples: 60, seed: 4);
        Assert.Equal("1", e.Parameters["rows_sampled"]);
        for (int f = 0; f < 8; f++)
        {
            Assert.Equal(2 * e.Phi(0, f, 0), e.Phi(0, f, 1), 12);
            Assert.Equal(2 * e.StandardErrors![(f * 2) + 0], e.StandardErrors![(f * 2) + 1], 12);
        }

        Assert.True(Math.Abs(e.AdditivityResiduals[0]) < 1e-9 && Math.Abs(e.AdditivityResiduals[1]) < 1e-9);
    }

    [Fact]
    public void Kernel_passes_on_the_models_own_exception_not_a_parallel_wrapper()
    {
        // The model fails only on a hybrid row (x0 from the second row, x1 from the background), inside the parallel loop.
        var model = FuncModel.Scalar(3, x => x[0] > 5 && x[1] == 0 ? throw new InvalidDataException("model refused the row") : x.Sum());
        var game = new InterventionalGame(model, new double[3]);
        var ex = Assert.Throws<InvalidDataException>(() => KernelShap.Explain(game, [1, 1, 1, 9, 1, 1], Labels(3), nsamples: 6, seed: 0, degreeOfParallelism: 2));
        Assert.Equal("model refused the row", ex.Message);
    }

    [Fact]
    public void Kernel_C22_probability_space_agrees_with_exact()
    {
        var model = FuncModel.Scalar(2, x => FuncModel.Sigmoid((2 * x[0]) - x[1] + 0.5));
        var e = KernelShap.Explain(new InterventionalGame(model, [1, 1, -1, -1]), [1, 2], Labels(2, OutputSpace.Probability, LinkFunction.Logistic), nsamples: 2, seed: 0);
        AssertValues(e, 0, 0.597558, [0.296574, -0.271672], 1e-6);
    }
}
