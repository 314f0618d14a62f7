using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using MathNet.Numerics.Statistics;

namespace Explainability.Core.Comparison;

/// <summary>
/// Several techniques' explanations of the same <c>R</c> rows, <c>F</c> features and <c>O</c> outputs, compared: cost and
/// self-consistency per technique (<see cref="Techniques"/>), distance to an exact reference, and rank agreement between
/// every pair (<see cref="Pairs"/>). Immutable; computed by <see cref="Compute"/>.
/// </summary>
public sealed record TechniqueComparison
{
    /// <summary>Default <c>k</c> of the top-k overlap.</summary>
    public const int DefaultTopK = 5;

    /// <summary>Number of compared rows, <c>R</c>.</summary>
    public required int RowCount { get; init; }

    /// <summary>Feature names, <c>[F]</c>, common to all techniques.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Output names, <c>[O]</c>, common to all techniques.</summary>
    public required IReadOnlyList<string> OutputNames { get; init; }

    /// <summary>The common output space of every attribution-valued number.</summary>
    public required OutputSpace OutputSpace { get; init; }

    /// <summary>The common link of the explained model.</summary>
    public required LinkFunction Link { get; init; }

    /// <summary>Name of the exact reference, or null when none was given.</summary>
    public string? Reference { get; init; }

    /// <summary>The <c>k</c> of the top-k overlap actually used: <c>min(requested k, F - 1)</c> (F for one feature): with
    /// <c>k &gt;= F</c> both top-k sets are all features and the overlap is 1 by construction.</summary>
    public required int TopK { get; init; }

    /// <summary>The <c>k</c> asked for; differs from <see cref="TopK"/> when it was capped.</summary>
    public int RequestedTopK { get; init; }

    /// <summary>Per technique, in input order.</summary>
    public required IReadOnlyList<TechniqueMetrics> Techniques { get; init; }

    /// <summary>Every unordered pair <c>(a, b)</c> with <c>a</c> before <c>b</c> in input order: <c>n (n - 1) / 2</c> entries.</summary>
    public required IReadOnlyList<PairwiseAgreement> Pairs { get; init; }

    /// <summary>The agreement between techniques <paramref name="a"/> and <paramref name="b"/>, in either order.</summary>
    /// <exception cref="KeyNotFoundException">No such pair.</exception>
    public PairwiseAgreement Pair(string a, string b) =>
        Pairs.FirstOrDefault(p => (p.A == a && p.B == b) || (p.A == b && p.B == a))
        ?? throw new KeyNotFoundException($"no pair {MessageText.Quote(a)}, {MessageText.Quote(b)}; techniques: {string.Join(", ", Techniques.Select(t => t.Name))}");

    /// <summary>
    /// Compares <paramref name="runs"/>.
    /// </summary>
    /// <param name="runs">One run per technique (at least one), all explaining the same rows, features (same names, same
    /// order), outputs and output space.</param>
    /// <param name="reference">Name of the run holding exact SHAP values (exact SHAP, enumerated KernelSHAP, TreeSHAP),
    /// against which <see cref="TechniqueMetrics.MaxAbsDeltaPhi"/> and <see cref="TechniqueMetrics.MeanAbsDeltaPhi"/> are
    /// measured; null for none.</param>
    /// <param name="topK">Requested <c>k</c> of the top-k overlap, at least 1; capped at <c>F - 1</c> (see <see cref="TopK"/>).</param>
    /// <exception cref="ArgumentException">No runs; a name empty or repeated; the reference not among the names; an
    /// explanation's arrays disagree with its own shape or hold a non-finite SHAP value; or two runs disagree in rows, features, outputs, output space or
    /// link (the message names both runs and what differs).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> below 1, a negative wall time or evaluation count.</exception>
    public static TechniqueComparison Compute(IReadOnlyList<TechniqueRun> runs, string? reference = null, int topK = DefaultTopK)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        Validate(runs, reference);

        var first = runs[0].Explanation;
        int rows = first.RowCount, features = first.FeatureCount, outputs = first.OutputCount;
        var refExplanation = reference is null ? null : runs.First(r => r.Name == reference).Explanation;
        // k >= F would compare all features with all features: an overlap of 1 that says nothing.
        int k = features >= 2 ? Math.Min(topK, features - 1) : features;

        var metrics = runs.Select(run => Metrics(run, run.Name == reference ? null : refExplanation, rows, features, outputs, run.Name == reference)).ToList();

        // |phi| per technique, and per (row, output) the top-k sets, computed once.
        var abs = runs.Select(r => Array.ConvertAll(r.Explanation.ShapValues, Math.Abs)).ToList();
        var tops = abs.Select(a => TopSets(a, rows, features, outputs, k)).ToList();

        var pairs = new List<PairwiseAgreement>();
        for (int i = 0; i < runs.Count; i++)
        {
            for (int j = i + 1; j < runs.Count; j++)
            {
                pairs.Add(Agreement(runs[i].Name, runs[j].Name, abs[i], abs[j], tops[i], tops[j], rows, features, outputs, k));
            }
        }

        return new TechniqueComparison
        {
            RowCount = rows,
            FeatureNames = [.. first.FeatureNames],
            OutputNames = [.. first.OutputNames],
            OutputSpace = first.OutputSpace,
            Link = first.Link,
            Reference = reference,
            TopK = k,
            RequestedTopK = topK,
            Techniques = metrics,
            Pairs = pairs,
        };
    }

    private static TechniqueMetrics Metrics(TechniqueRun run, Explanation? reference, int rows, int features, int outputs, bool isReference)
    {
        var e = run.Explanation;
        double maxResidual = 0;
        foreach (double r in e.AdditivityResiduals)
        {
            maxResidual = Math.Max(maxResidual, Math.Abs(r));
        }

        double? meanSe = null, maxSe = null;
        if (e.StandardErrors is { Length: > 0 } se)
        {
            // A loop, not Enumerable.Max, so that a NaN standard error shows as NaN instead of being skipped.
            double sum = 0, max = 0;
            foreach (double v in se)
            {
                sum += v;
                max = Math.Max(max, v);
            }

            meanSe = sum / se.Length;
            maxSe = max;
        }

        double? maxDelta = null, meanDelta = null;
        if (reference is not null)
        {
            double max = 0, sum = 0;
            for (int i = 0; i < e.ShapValues.Length; i++)
            {
                double d = Math.Abs(e.ShapValues[i] - reference.ShapValues[i]);
                max = Math.Max(max, d);
                sum += d;
            }

            maxDelta = max;
            meanDelta = e.ShapValues.Length == 0 ? 0 : sum / e.ShapValues.Length;
        }

        var meanAbs = new double[features * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int fo = 0; fo < features * outputs; fo++)
            {
                meanAbs[fo] += Math.Abs(e.ShapValues[(r * features * outputs) + fo]) / rows;
            }
        }

        return new TechniqueMetrics
        {
            Name = run.Name,
            Method = e.Method,
            Parameters = new Dictionary<string, string>(e.Parameters, StringComparer.Ordinal),
            IsReference = isReference,
            WallTime = run.WallTime,
            ModelEvaluations = run.ModelEvaluations,
            MaxAbsAdditivityResidual = maxResidual,
            MeanStandardError = meanSe,
            MaxStandardError = maxSe,
            MaxAbsDeltaPhi = maxDelta,
            MeanAbsDeltaPhi = meanDelta,
            MeanAbsPhi = meanAbs,
        };
    }

    /// <summary>Per (row, output), a flag per feature: is it among the k largest |phi| (ties in feature order).</summary>
    private static bool[] TopSets(double[] abs, int rows, int features, int outputs, int k)
    {
        var inTop = new bool[abs.Length];
        var order = new int[features];
        var keys = new double[features];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                for (int f = 0; f < features; f++)
                {
                    order[f] = f;
                    keys[f] = abs[(((r * features) + f) * outputs) + o];
                }

                // Stable: descending |phi|, ties by feature index. NaN sorts last.
                Array.Sort(order, (x, y) =>
                {
                    int c = Descending(keys[x], keys[y]);
                    return c != 0 ? c : x.CompareTo(y);
                });
                for (int i = 0; i < k; i++)
                {
                    inTop[(((r * features) + order[i]) * outputs) + o] = true;
                }
            }
        }

        return inTop;
    }

    private static int Descending(double x, double y) => (double.IsNaN(x), double.IsNaN(y)) switch
    {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => -1,
        _ => y.CompareTo(x),
    };

    private static PairwiseAgreement Agreement(
        string a, string b, double[] absA, double[] absB, bool[] topA, bool[] topB, int rows, int features, int outputs, int k)
    {
        var xa = new double[features];
        var xb = new double[features];
        double spearmanSum = 0, spearmanMin = double.PositiveInfinity, overlapSum = 0, overlapMin = double.PositiveInfinity;
        int defined = 0, undefined = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                int common = 0;
                for (int f = 0; f < features; f++)
                {
                    int i = (((r * features) + f) * outputs) + o;
                    xa[f] = absA[i];
                    xb[f] = absB[i];
                    if (topA[i] && topB[i])
                    {
                        common++;
                    }
                }

                double overlap = k == 0 ? 1 : (double)common / k;
                overlapSum += overlap;
                overlapMin = Math.Min(overlapMin, overlap);

                if (AllTied(xa) || AllTied(xb))
                {
                    undefined++;
                    continue;
                }

                double rho = Correlation.Spearman(xa, xb);
                spearmanSum += rho;
                spearmanMin = Math.Min(spearmanMin, rho);
                defined++;
            }
        }

        int cases = rows * outputs;
        return new PairwiseAgreement
        {
            A = a,
            B = b,
            MeanSpearman = defined == 0 ? null : spearmanSum / defined,
            MinSpearman = defined == 0 ? null : spearmanMin,
            SpearmanUndefinedCount = undefined,
            MeanTopKOverlap = cases == 0 ? 1 : overlapSum / cases,
            MinTopKOverlap = cases == 0 ? 1 : overlapMin,
        };
    }

    private static bool AllTied(double[] x)
    {
        for (int i = 1; i < x.Length; i++)
        {
            if (x[i] != x[0])
            {
                return false;
            }
        }

        return true;
    }

    private static void Validate(IReadOnlyList<TechniqueRun> runs, string? reference)
    {
        if (runs is null || runs.Count == 0)
        {
            throw new ArgumentException("no techniques to compare; expected at least one run", nameof(runs));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            if (string.IsNullOrWhiteSpace(run.Name))
            {
                throw new ArgumentException($"a run of method {MessageText.Quote(run.Explanation.Method)} has an empty name", nameof(runs));
            }

            if (!names.Add(run.Name))
            {
                throw new ArgumentException($"technique name {MessageText.Quote(run.Name)} appears twice; names must be unique", nameof(runs));
            }

            if (run.WallTime < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(runs), run.WallTime, $"technique {MessageText.Quote(run.Name)}: wall time must not be negative");
            }

            if (run.ModelEvaluations < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(runs), run.ModelEvaluations, $"technique {MessageText.Quote(run.Name)}: model evaluations must not be negative");
            }

            ValidateOwnShape(run, nameof(runs));
        }

        if (reference is not null && !names.Contains(reference))
        {
            throw new ArgumentException($"reference {MessageText.Quote(reference)} is not among the techniques: {string.Join(", ", names)}", nameof(reference));
        }

        var a = runs[0];
        foreach (var b in runs.Skip(1))
        {
            Agree(a, b, "rows", a.Explanation.RowCount, b.Explanation.RowCount, nameof(runs));
            Agree(a, b, "output space", a.Explanation.OutputSpace, b.Explanation.OutputSpace, nameof(runs));
            Agree(a, b, "link", a.Explanation.Link, b.Explanation.Link, nameof(runs));
            SameNames(a, b, "features", a.Explanation.FeatureNames, b.Explanation.FeatureNames, nameof(runs));
            SameNames(a, b, "outputs", a.Explanation.OutputNames, b.Explanation.OutputNames, nameof(runs));
        }
    }

    private static void ValidateOwnShape(TechniqueRun run, string paramName)
    {
        var e = run.Explanation;
        int rows = e.RowCount, features = e.FeatureCount, outputs = e.OutputCount;
        Length(run, "ShapValues", "[R, F, O]", e.ShapValues.Length, (long)rows * features * outputs, paramName);
        Length(run, "AdditivityResiduals", "[R, O]", e.AdditivityResiduals.Length, (long)rows * outputs, paramName);
        if (e.StandardErrors is not null)
        {
            Length(run, "StandardErrors", "[R, F, O]", e.StandardErrors.Length, (long)rows * features * outputs, paramName);
        }

        // A NaN or infinite SHAP value has no rank and no distance; refuse it rather than report a meaningless agreement.
        int bad = Array.FindIndex(e.ShapValues, v => !double.IsFinite(v));
        if (bad >= 0)
        {
            int r = bad / (features * outputs), f = bad / outputs % features, o = bad % outputs;
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"technique {MessageText.Quote(run.Name)}: SHAP value of row {r}, feature {MessageText.Quote(e.FeatureNames[f])}, output {MessageText.Quote(e.OutputNames[o])} is {e.ShapValues[bad]}; expected a finite number"), paramName);
        }

        if (rows < 1 || outputs < 1 || features < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"technique {MessageText.Quote(run.Name)} explains {rows} rows, {features} features, {outputs} outputs; expected at least one of each"), paramName);
        }
    }

    private static void Length(TechniqueRun run, string field, string shape, int actual, long expected, string paramName)
    {
        if (actual != expected)
        {
            var e = run.Explanation;
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"technique {MessageText.Quote(run.Name)}: {field} has {actual} values; expected {shape} = {e.RowCount} x {e.FeatureCount} x {e.OutputCount} -> {expected}"), paramName);
        }
    }

    private static void Agree<T>(TechniqueRun a, TechniqueRun b, string what, T x, T y, string paramName)
        where T : notnull
    {
        if (!EqualityComparer<T>.Default.Equals(x, y))
        {
            throw new ArgumentException(
                $"techniques {MessageText.Quote(a.Name)} and {MessageText.Quote(b.Name)} differ in {what}: {Invariant(x)} vs {Invariant(y)}", paramName);
        }
    }

    private static void SameNames(TechniqueRun a, TechniqueRun b, string what, IReadOnlyList<string> x, IReadOnlyList<string> y, string paramName)
    {
        if (x.Count != y.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"techniques {MessageText.Quote(a.Name)} and {MessageText.Quote(b.Name)} differ in {what}: {x.Count} vs {y.Count}"), paramName);
        }

        for (int i = 0; i < x.Count; i++)
        {
            if (!string.Equals(x[i], y[i], StringComparison.Ordinal))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"techniques {MessageText.Quote(a.Name)} and {MessageText.Quote(b.Name)} differ in {what} at index {i}: {MessageText.Quote(x[i])} vs {MessageText.Quote(y[i])}"), paramName);
            }
        }
    }

    private static string Invariant<T>(T value)
        where T : notnull => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
