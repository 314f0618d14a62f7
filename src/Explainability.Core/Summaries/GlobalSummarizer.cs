using System.Globalization;
using Explainability.Core.Data;
using MathNet.Numerics.Statistics;

namespace Explainability.Core.Summaries;

/// <summary>
/// Global summaries of SHAP values over a dataset (Lundberg et al., "From local explanations to global understanding
/// with explainable AI for trees", Nature Machine Intelligence 2020: global importance as mean |SHAP|, summary
/// (beeswarm) plots, dependence plots, interaction values), as data in bins for reports and plots, whole and per cohort.
/// Pure functions of their inputs.
/// </summary>
public static class GlobalSummarizer
{
    /// <summary>The label of the dependence bin of missing values and of the cohort of rows with no value.</summary>
    public const string MissingLabel = "missing";

    /// <summary>Summarizes <paramref name="data"/>.</summary>
    /// <param name="data">SHAP values <c>[R, F]</c>, feature values and optional interaction values.</param>
    /// <param name="options">Bins, feature groups and how many interaction pairs to report.</param>
    /// <returns>Per feature (in <paramref name="data"/>'s order) and per group, amounts in the data's output space.</returns>
    /// <exception cref="ArgumentException">Fewer than 1 or more than <see cref="SummaryOptions.MaxBins"/> bins; a group names
    /// a feature that is not in the data; a negative number of interaction pairs.</exception>
    public static GlobalSummary Summarize(SummaryData data, SummaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        Validate(data, options);
        int n = data.RowCount, features = data.FeatureNames.Count;
        var summaries = new FeatureSummary[features];
        var shap = new double[n];
        for (int f = 0; f < features; f++)
        {
            var values = new FeatureValue[n];
            for (int r = 0; r < n; r++)
            {
                shap[r] = data.Phi(r, f);
                values[r] = data.Values[(r * features) + f];
            }

            bool categorical = values.Any(v => v.IsText);
            summaries[f] = new FeatureSummary
            {
                Name = data.FeatureNames[f],
                Categorical = categorical,
                MeanAbsShap = MeanAbs(shap),
                MeanAbsShapStandardError = MeanAbsStandardError(shap),
                MeanShap = Mean(shap),
                Beeswarm = Beeswarm(shap, categorical ? null : values, options.Bins),
                Dependence = categorical ? CategoryDependence(shap, values) : NumericDependence(shap, values, options.Bins),
            };
        }

        var groups = new List<GroupSummary>();
        foreach (var group in options.Groups ?? [])
        {
            var members = group.Features.Select(name => IndexOf(data, name)).ToArray();
            for (int r = 0; r < n; r++)
            {
                double sum = 0;
                foreach (int f in members)
                {
                    sum += data.Phi(r, f);
                }

                shap[r] = sum;
            }

            groups.Add(new GroupSummary(group.Name, group.Features, MeanAbs(shap), Mean(shap), Beeswarm(shap, null, options.Bins)));
        }

        return new GlobalSummary
        {
            OutputName = data.OutputName,
            OutputSpace = data.OutputSpace,
            Method = data.Method,
            RowCount = n,
            Features = summaries,
            Groups = groups,
            Interactions = data.Interactions is null ? null : Interactions(data, options.TopInteractionPairs),
        };
    }

    /// <summary>
    /// The summary of each cohort: the rows sharing one value of <paramref name="cohortValues"/> (e.g. a segment column),
    /// with each feature's mean |SHAP| minus that of the whole of <paramref name="data"/>.
    /// </summary>
    /// <param name="data">The whole dataset.</param>
    /// <param name="options">As for <see cref="Summarize"/>.</param>
    /// <param name="cohortValues">The cohort of each row, <c>[R]</c>; an empty value is the cohort of missing values.</param>
    /// <returns>One cohort per distinct value, in ordinal order of the values; their row counts add up to <c>R</c>.</returns>
    /// <exception cref="ArgumentException">The cohort values are not one per row; or as for <see cref="Summarize"/>.</exception>
    public static IReadOnlyList<CohortSummary> Cohorts(SummaryData data, SummaryOptions options, IReadOnlyList<string> cohortValues)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(cohortValues);
        if (cohortValues.Count != data.RowCount)
        {
            throw new ArgumentException($"{cohortValues.Count} cohort values for {data.RowCount} rows; expected one per row", nameof(cohortValues));
        }

        var whole = Summarize(data, options);
        var result = new List<CohortSummary>();
        foreach (var cohort in Enumerable.Range(0, data.RowCount).GroupBy(r => cohortValues[r], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var summary = Summarize(data.SelectRows([.. cohort]), options);
            var difference = summary.Features.Select((f, i) => f.MeanAbsShap - whole.Features[i].MeanAbsShap).ToArray();
            result.Add(new CohortSummary(cohort.Key, summary, difference));
        }

        return result;
    }

    /// <summary>The <paramref name="k"/> features with the largest mean |SHAP| in <paramref name="data"/>, largest first
    /// (ties by feature order): the features whose interactions are worth their cost.</summary>
    /// <param name="data">SHAP values <c>[R, F]</c>.</param>
    /// <param name="k">How many; at most <c>F</c> are returned.</param>
    /// <returns>Feature indices, <c>[min(k, F)]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public static IReadOnlyList<int> TopFeatures(SummaryData data, int k)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        int features = data.FeatureNames.Count;
        var meanAbs = new double[features];
        for (int f = 0; f < features; f++)
        {
            double sum = 0;
            for (int r = 0; r < data.RowCount; r++)
            {
                sum += Math.Abs(data.Phi(r, f));
            }

            meanAbs[f] = data.RowCount == 0 ? 0 : sum / data.RowCount;
        }

        return [.. Enumerable.Range(0, features).OrderByDescending(f => meanAbs[f]).ThenBy(f => f).Take(k)];
    }

    private static void Validate(SummaryData data, SummaryOptions options)
    {
        if (options.Bins < 1 || options.Bins > SummaryOptions.MaxBins)
        {
            throw new ArgumentException($"bins {options.Bins.ToString(CultureInfo.InvariantCulture)} is outside 1..{SummaryOptions.MaxBins}", nameof(options));
        }

        if (options.TopInteractionPairs < 0)
        {
            throw new ArgumentException($"top interaction pairs {options.TopInteractionPairs.ToString(CultureInfo.InvariantCulture)} is negative; expected 0 or more", nameof(options));
        }

        foreach (var group in options.Groups ?? [])
        {
            foreach (var name in group.Features)
            {
                IndexOf(data, name);
            }
        }
    }

    private static int IndexOf(SummaryData data, string feature)
    {
        for (int f = 0; f < data.FeatureNames.Count; f++)
        {
            if (string.Equals(data.FeatureNames[f], feature, StringComparison.Ordinal))
            {
                return f;
            }
        }

        throw new ArgumentException($"feature group member {MessageText.Quote(feature)} is not a feature; the features are: {string.Join(", ", data.FeatureNames)}");
    }

    // Plain sums in row order, so the mean of a chunked run equals the mean over per-row explanations exactly.
    private static double Mean(double[] values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return values.Length == 0 ? 0 : sum / values.Length;
    }

    /// <summary>Sample standard deviation of |v| over the square root of the count; null under 2 values.</summary>
    private static double? MeanAbsStandardError(double[] values)
    {
        if (values.Length < 2)
        {
            return null;
        }

        double mean = MeanAbs(values), squares = 0;
        foreach (double v in values)
        {
            double d = Math.Abs(v) - mean;
            squares += d * d;
        }

        return Math.Sqrt(squares / (values.Length - 1) / values.Length);
    }

    private static double MeanAbs(double[] values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += Math.Abs(v);
        }

        return values.Length == 0 ? 0 : sum / values.Length;
    }

    /// <summary>Equal-width bins of <paramref name="shap"/> from its minimum to its maximum; the colour is the mean of the
    /// min-max normalized numeric <paramref name="values"/> of a bin's rows (none when null).</summary>
    private static BeeswarmBin[] Beeswarm(double[] shap, FeatureValue[]? values, int bins)
    {
        if (shap.Length == 0)
        {
            return [];
        }

        double min = shap.Min(), max = shap.Max();
        double width = (max - min) / bins;
        if (width == 0)
        {
            bins = 1;
        }

        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (var v in values ?? [])
        {
            if (!v.IsText && !double.IsNaN(v.Number))
            {
                low = Math.Min(low, v.Number);
                high = Math.Max(high, v.Number);
            }
        }

        var counts = new int[bins];
        var colourSum = new double[bins];
        var colourCount = new int[bins];
        for (int r = 0; r < shap.Length; r++)
        {
            int b = width == 0 ? 0 : Math.Min(bins - 1, (int)((shap[r] - min) / width));
            counts[b]++;
            if (values is not null && !values[r].IsText && !double.IsNaN(values[r].Number))
            {
                colourSum[b] += high > low ? (values[r].Number - low) / (high - low) : 0.5;
                colourCount[b]++;
            }
        }

        return [.. Enumerable.Range(0, bins).Select(b => new BeeswarmBin(
            min + (b * width),
            b == bins - 1 ? max : min + ((b + 1) * width),
            counts[b],
            colourCount[b] == 0 ? null : colourSum[b] / colourCount[b]))];
    }

    /// <summary>Quantile bins of the numeric values (edges at the quantiles k / B, repeated edges merged, MathNet's
    /// <see cref="SortedArrayStatistics.Quantile(double[], double)"/>), then a bin of the missing values.</summary>
    private static DependenceBin[] NumericDependence(double[] shap, FeatureValue[] values, int bins)
    {
        var present = Enumerable.Range(0, shap.Length).Where(r => !double.IsNaN(values[r].Number)).ToArray();
        var result = new List<DependenceBin>();
        if (present.Length > 0)
        {
            var sorted = present.Select(r => values[r].Number).Order().ToArray();
            var edges = Enumerable.Range(0, bins + 1).Select(k => SortedArrayStatistics.Quantile(sorted, k / (double)bins))
                .Append(sorted[0]).Append(sorted[^1]).Distinct().Order().ToArray();
            int binCount = Math.Max(1, edges.Length - 1);
            var members = Enumerable.Range(0, binCount).Select(_ => new List<double>()).ToArray();
            foreach (int r in present)
            {
                // The last edge whose value is at most x; the maximum belongs to the last bin.
                int b = Array.BinarySearch(edges, values[r].Number);
                b = b >= 0 ? b : ~b - 1;
                members[Math.Clamp(b, 0, binCount - 1)].Add(shap[r]);
            }

            for (int b = 0; b < binCount; b++)
            {
                if (members[b].Count > 0)
                {
                    double lower = edges[b], upper = edges.Length > 1 ? edges[b + 1] : edges[0];
                    string label = string.Create(CultureInfo.InvariantCulture, $"[{lower:G6}, {upper:G6}{(b == binCount - 1 ? "]" : ")")}"); // the exact edges are in Lower/Upper
                    result.Add(Bin(label, lower, upper, members[b]));
                }
            }
        }

        var missing = Enumerable.Range(0, shap.Length).Where(r => double.IsNaN(values[r].Number)).Select(r => shap[r]).ToList();
        if (missing.Count > 0)
        {
            result.Add(Bin(MissingLabel, null, null, missing));
        }

        return [.. result];
    }

    /// <summary>One bin per category (ordinal order), then a bin of the missing values.</summary>
    private static DependenceBin[] CategoryDependence(double[] shap, FeatureValue[] values) =>
        [.. Enumerable.Range(0, shap.Length)
            .GroupBy(r => values[r].Text ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key.Length == 0 ? 1 : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Bin(g.Key.Length == 0 ? MissingLabel : g.Key, null, null, [.. g.Select(r => shap[r])]))];

    private static DependenceBin Bin(string label, double? lower, double? upper, List<double> shap)
    {
        // MathNet's population standard deviation: the spread of the bin's rows themselves, 0 for a single row.
        double deviation = shap.Count == 1 ? 0 : shap.PopulationStandardDeviation();
        return new DependenceBin(label, lower, upper, shap.Count, shap.Mean(), deviation);
    }

    private static InteractionSummary Interactions(SummaryData data, int topPairs)
    {
        int n = data.RowCount, features = data.FeatureNames.Count, k = data.Conditioned.Count;
        var interactions = data.Interactions!;
        var main = new double[k];
        var pairs = new Dictionary<(int, int), double>();
        for (int j = 0; j < k; j++)
        {
            int a = data.Conditioned[j];
            for (int i = 0; i < features; i++)
            {
                double sum = 0;
                for (int r = 0; r < n; r++)
                {
                    sum += Math.Abs(interactions[(((r * k) + j) * features) + i]);
                }

                double mean = n == 0 ? 0 : sum / n;
                if (i == a)
                {
                    main[j] = mean;
                }
                else
                {
                    // Phi is symmetric: the pair's whole effect Phi[a, i] + Phi[i, a] is twice either half; a pair of two
                    // conditioned features is taken from the first one's row.
                    pairs.TryAdd((Math.Min(a, i), Math.Max(a, i)), 2 * mean);
                }
            }
        }

        var top = pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2).Take(topPairs)
            .Select(p => new InteractionPair(data.FeatureNames[p.Key.Item1], data.FeatureNames[p.Key.Item2], p.Value));
        return new InteractionSummary([.. data.Conditioned.Select(f => data.FeatureNames[f])], main, [.. top]);
    }
}
