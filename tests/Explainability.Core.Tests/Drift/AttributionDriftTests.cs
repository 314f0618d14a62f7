using Explainability.Core.Drift;

namespace Explainability.Core.Tests.Drift;

public sealed class AttributionDriftTests
{
    /// <summary>W1 between {0, 1} and {1, 2}: the CDFs differ by 1/2 on (0, 1) and by 1/2 on (1, 2), so 1; and by the
    /// shift itself for any sample moved by a constant.</summary>
    [Fact]
    public void Wasserstein_distance_worked_by_hand_and_equal_to_a_constant_shift()
    {
        Assert.Equal(1.0, AttributionDrift.Wasserstein([0, 1], [1, 2]), 12);
        Assert.Equal(0.0, AttributionDrift.Wasserstein([3, 1, 2], [1, 2, 3]), 12);
        var rng = new Random(3);
        var a = Enumerable.Range(0, 50).Select(_ => rng.NextDouble()).ToArray();
        Assert.Equal(0.25, AttributionDrift.Wasserstein(a, [.. a.Select(v => v + 0.25)]), 12);
        // Unequal sizes: {0} against {0, 1} differ by 1/2 on (0, 1).
        Assert.Equal(0.5, AttributionDrift.Wasserstein([0], [0, 1]), 12);
    }

    /// <summary>Baseline 1..10 gives decile edges 1..9 and ten bins of 0.1; a current sample all at 10 puts everything in
    /// the last bin: PSI = 9 (1e-4 - 0.1) ln(1e-4 / 0.1) + 0.9 ln(1 / 0.1).</summary>
    [Fact]
    public void Psi_worked_by_hand_and_zero_for_the_same_sample()
    {
        double[] baseline = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        double expected = (9 * (1e-4 - 0.1) * Math.Log(1e-4 / 0.1)) + (0.9 * Math.Log(1 / 0.1));

        Assert.Equal(expected, AttributionDrift.Psi(baseline, [.. Enumerable.Repeat(10.0, 10)]), 12);
        Assert.Equal(0.0, AttributionDrift.Psi(baseline, baseline), 15);
    }

    /// <summary>A baseline all at 0.5 (a point mass, as a one-row baseline or a feature whose SHAP value never varies):
    /// the bins are below 0.5, at 0.5 and above it. A current sample all at 0.3 moves the whole mass from the point to
    /// the bin below: PSI = (1 - 1e-4) ln(1 / 1e-4) + (1e-4 - 1) ln(1e-4 / 1) = 2 (1 - 1e-4) ln(1e4). Without the point
    /// bin both would share one bin, (-inf, 0.5], and the PSI would be 0. Half the mass at a point, half spread: the
    /// same sample still has a PSI of 0, and moving the point mass below the spread is seen.</summary>
    [Fact]
    public void A_point_mass_in_the_baseline_is_a_bin_of_its_own()
    {
        double expected = 2 * (1 - 1e-4) * Math.Log(1e4);

        Assert.Equal(expected, AttributionDrift.Psi([.. Enumerable.Repeat(0.5, 20)], [.. Enumerable.Repeat(0.3, 20)]), 12);
        Assert.Equal(expected, AttributionDrift.Psi([0.5], [.. Enumerable.Repeat(0.3, 7)]), 12);
        Assert.Equal(0.0, AttributionDrift.Psi([.. Enumerable.Repeat(0.5, 20)], [.. Enumerable.Repeat(0.5, 3)]), 15);
        double[] mixed = [.. Enumerable.Repeat(0.0, 50), .. Enumerable.Range(1, 50).Select(i => i / 50.0)];
        Assert.Equal(0.0, AttributionDrift.Psi(mixed, mixed), 15);
        // The zeros move to -0.1: half the rows leave the point bin for the (empty in the baseline) bin below it.
        double[] moved = [.. Enumerable.Repeat(-0.1, 50), .. Enumerable.Range(1, 50).Select(i => i / 50.0)];
        Assert.Equal(2 * (0.5 - 1e-4) * Math.Log(0.5 / 1e-4), AttributionDrift.Psi(mixed, moved), 12);
    }

    [Fact]
    public void A_dataset_against_itself_has_no_drift_and_a_shifted_feature_is_flagged_alone()
    {
        var rng = new Random(7);
        const int Rows = 400;
        string[] features = ["a", "b", "c"];
        var baseline = new double[Rows * 3];
        for (int i = 0; i < baseline.Length; i++)
        {
            baseline[i] = rng.NextDouble() - 0.5;
        }

        var shifted = (double[])baseline.Clone();
        for (int r = 0; r < Rows; r++)
        {
            shifted[(r * 3) + 1] += 1.0;
        }

        var same = AttributionDrift.Compare(features, baseline, baseline);
        var drift = AttributionDrift.Compare(features, baseline, shifted);
        // Thresholds of 0: nothing moved, so nothing is flagged (a statistic of exactly 0 never is).
        var sameAtZero = AttributionDrift.Compare(features, baseline, baseline, new DriftThresholds(0, 0, 0));

        Assert.All(same, d => Assert.Equal((0.0, 0.0, 0.0, false), (d.MeanAbsChange, d.Psi, d.Wasserstein, d.Flagged)));
        Assert.All(sameAtZero, d => Assert.False(d.Flagged));
        // The same rows in reverse order: summed in another order the means would differ in the last bits, which a
        // threshold of 0 would flag; a difference within rounding counts as none.
        var reversed = Enumerable.Range(0, Rows).Reverse().SelectMany(r => baseline.AsSpan(r * 3, 3).ToArray()).ToArray();
        var reorderedAtZero = AttributionDrift.Compare(features, baseline, reversed, new DriftThresholds(0, 0, 0));
        Assert.All(reorderedAtZero, d => Assert.Equal((0.0, 0.0, 0.0, 0.0, false), (d.MeanAbsChange, d.RelativeChange, d.Psi, d.Wasserstein, d.Flagged)));
        // Every row twice, shuffled: the same distribution, whose mean differs from the original's only by rounding.
        var shuffle = new Random(11);
        var doubled = Enumerable.Range(0, 2 * Rows).OrderBy(_ => shuffle.Next()).SelectMany(r => baseline.AsSpan((r % Rows) * 3, 3).ToArray()).ToArray();
        var doubledAtZero = AttributionDrift.Compare(features, baseline, doubled, new DriftThresholds(0, 0, 0));
        Assert.All(doubledAtZero, d => Assert.Equal((0.0, 0.0, 0.0, 0.0, false), (d.MeanAbsChange, d.RelativeChange, d.Psi, d.Wasserstein, d.Flagged)));
        // A real change of one part in a million is kept.
        var nudged = baseline.Select(v => v * (1 + 1e-6)).ToArray();
        Assert.All(AttributionDrift.Compare(features, baseline, nudged, new DriftThresholds(0, 0, 0)), d => Assert.Equal(1e-6, d.RelativeChange, 9));
        Assert.Equal(["b"], drift.Where(d => d.Flagged).Select(d => d.Feature));
        Assert.Equal(["psi", "mean_abs_change"], drift[1].Flags);
        Assert.Equal(1.0, drift[1].Wasserstein, 9);
        Assert.Equal((0.0, 0.0), (drift[0].Psi, drift[2].Wasserstein));
    }

    [Fact]
    public void Empty_or_ragged_SHAP_values_are_refused_naming_the_dataset()
    {
        var ex = Assert.Throws<ArgumentException>(() => AttributionDrift.Compare(["a", "b"], [1, 2, 3], [1, 2]));
        Assert.Contains("the baseline SHAP values hold 3 numbers", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AttributionDrift.Compare(["a"], [1.0], []));
    }
}
