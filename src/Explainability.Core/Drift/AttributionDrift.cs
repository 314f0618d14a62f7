using System.Globalization;

namespace Explainability.Core.Drift;

/// <summary>
/// Attribution drift: per feature, the change of mean |SHAP| between a baseline and a current dataset, the population
/// stability index (PSI) of the SHAP values and their first Wasserstein distance, flagged against
/// <see cref="DriftThresholds"/>. Works on SHAP values already computed with the same model, method and output space.
/// </summary>
/// <remarks>
/// <para>PSI = Σ_b (c_b − a_b) ln(c_b / a_b) over bins b with baseline shares a_b and current shares c_b; the bins are
/// cut at the baseline's deciles (distinct edges only, so a feature with few distinct SHAP values has fewer bins), and a
/// share of 0 is taken as 1e-4 so that an empty bin counts as a large but finite shift (Siddiqi 2006, ch. 8). An edge
/// that more than a tenth of the baseline's values equal exactly (a point mass: tree SHAP values repeat, and a one-row
/// baseline is nothing else) is a bin of its own, between the values below it and those above: otherwise a baseline all
/// at v puts every value at or below v in one bin, and a current sample moved entirely below v would show no shift.</para>
/// <para>W1 = ∫ |F_a(x) − F_c(x)| dx between the empirical CDFs, computed exactly over the merged sorted values.</para>
/// </remarks>
public static class AttributionDrift
{
    /// <summary>Smallest share a bin is given in the PSI (an empty bin would make it infinite).</summary>
    public const double MinimumBinShare = 1e-4;

    /// <summary>A change of mean |SHAP| within this share of the larger mean is rounding and counts as none: summing a
    /// million values in another order moves the mean by up to about 1e-10 of itself, a real drift by far more.</summary>
    public const double RoundingTolerance = 1e-9;

    /// <summary>Drift of every feature.</summary>
    /// <param name="features">Feature names, <c>[features]</c>.</param>
    /// <param name="baseline">Baseline SHAP values of the explained output, <c>[rows, features]</c> row-major.</param>
    /// <param name="current">Current SHAP values of the same output, <c>[rows, features]</c>.</param>
    /// <param name="thresholds">When to flag; null for the defaults.</param>
    /// <returns>One entry per feature, in the given order.</returns>
    /// <exception cref="ArgumentException">A dataset is empty or not a whole number of rows of the features.</exception>
    public static IReadOnlyList<FeatureDrift> Compare(IReadOnlyList<string> features, ReadOnlySpan<double> baseline, ReadOnlySpan<double> current, DriftThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        thresholds ??= new DriftThresholds();
        int m = features.Count;
        int a = Rows(baseline, m, "baseline"), c = Rows(current, m, "current");
        var baseColumns = Columns(baseline, a, m);
        var currentColumns = Columns(current, c, m);
        var baseMean = baseColumns.Select(v => v.Average(Math.Abs)).ToArray();
        var currentMean = currentColumns.Select(v => v.Average(Math.Abs)).ToArray();
        double largest = Math.Max(baseMean.Max(), currentMean.Max());
        var result = new List<FeatureDrift>(m);
        for (int f = 0; f < m; f++)
        {
            double change = currentMean[f] - baseMean[f];
            // Rounding, not drift: sums of n values carry a relative error up to about n * 1.1e-16, so the same values in
            // another order or twice over give means a few units in the last place apart; such a difference is no change.
            if (Math.Abs(change) <= RoundingTolerance * Math.Max(baseMean[f], currentMean[f]))
            {
                change = 0;
            }

            double relative = baseMean[f] > 0 ? change / baseMean[f] : change == 0 ? 0 : double.PositiveInfinity;
            double psi = Psi(baseColumns[f], currentColumns[f]);
            double w = Wasserstein(baseColumns[f], currentColumns[f]);
            var flags = new List<string>();
            bool matters = largest > 0 && Math.Max(baseMean[f], currentMean[f]) >= thresholds.MinimumMeanAbsShare * largest;
            // A statistic of exactly 0 (nothing moved) is never flagged, even against a threshold of 0.
            if (matters && psi > 0 && psi >= thresholds.Psi)
            {
                flags.Add("psi");
            }

            if (matters && relative != 0 && Math.Abs(relative) >= thresholds.RelativeMeanAbsChange)
            {
                flags.Add("mean_abs_change");
            }

            result.Add(new FeatureDrift(features[f], baseMean[f], currentMean[f], change, relative, psi, w, flags));
        }

        return result;
    }

    /// <summary>PSI of <paramref name="current"/> against <paramref name="baseline"/> on bins at the baseline's deciles.</summary>
    public static double Psi(IReadOnlyList<double> baseline, IReadOnlyList<double> current)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        var sorted = baseline.Order().ToArray();
        // Interior edges at the deciles, distinct: bin b holds values in (edge[b-1], edge[b]].
        var edges = Enumerable.Range(1, 9).Select(q => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length / 10.0) - 1)])
            .Distinct().ToArray();
        var point = edges.Select(e => baseline.Count(v => v == e) * 10 > baseline.Count).ToArray();
        var a = Shares(baseline, edges, point);
        var c = Shares(current, edges, point);
        double psi = 0;
        for (int b = 0; b < a.Length; b++)
        {
            double pa = Math.Max(a[b], MinimumBinShare), pc = Math.Max(c[b], MinimumBinShare);
            psi += (pc - pa) * Math.Log(pc / pa);
        }

        return psi;
    }

    /// <summary>First Wasserstein distance between the empirical distributions of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static double Wasserstein(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var x = a.Order().ToArray();
        var y = b.Order().ToArray();
        int i = 0, j = 0;
        double distance = 0, previous = Math.Min(x[0], y[0]);
        while (i < x.Length || j < y.Length)
        {
            double next = j >= y.Length || (i < x.Length && x[i] <= y[j]) ? x[i] : y[j];
            distance += Math.Abs(((double)i / x.Length) - ((double)j / y.Length)) * (next - previous);
            previous = next;
            while (i < x.Length && x[i] == next)
            {
                i++;
            }

            while (j < y.Length && y[j] == next)
            {
                j++;
            }
        }

        return distance;
    }

    /// <summary>Shares of <paramref name="values"/> in the bins: below each edge (up to and including it, unless it is a
    /// point mass), the edge itself when it is a point mass, and above the last edge.</summary>
    private static double[] Shares(IReadOnlyList<double> values, double[] edges, bool[] point)
    {
        // Bin numbers: edge i's bin from below, then its own bin when it is a point mass; the last bin is above every edge.
        var below = new int[edges.Length];
        var at = new int[edges.Length];
        int bins = 0;
        for (int i = 0; i < edges.Length; i++)
        {
            below[i] = bins++;
            at[i] = point[i] ? bins++ : below[i];
        }

        var counts = new double[bins + 1];
        foreach (double v in values)
        {
            int i = Array.BinarySearch(edges, v);
            counts[i >= 0 ? at[i] : ~i < edges.Length ? below[~i] : bins]++;
        }

        return [.. counts.Select(n => n / values.Count)];
    }

    private static int Rows(ReadOnlySpan<double> values, int m, string name)
    {
        if (m == 0 || values.Length == 0 || values.Length % m != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the {name} SHAP values hold {values.Length} numbers; expected at least one row of {m} features"), name);
        }

        return values.Length / m;
    }

    private static double[][] Columns(ReadOnlySpan<double> values, int rows, int m)
    {
        var columns = new double[m][];
        for (int f = 0; f < m; f++)
        {
            columns[f] = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                columns[f][r] = values[(r * m) + f];
            }
        }

        return columns;
    }
}
