using System.Globalization;
using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Benchmarks.LightGbm;

/// <summary>
/// One LightGBM model and the same trees in our <see cref="TreeEnsemble"/>: trained through the C API on generated
/// data (a dense regression target over <see cref="Features"/> uniform features, no missing values), dumped as JSON
/// and read back with the node counts as covers. Dispose to free the booster.
/// </summary>
internal sealed class LightGbmPeer : IDisposable
{
    /// <summary>Input width of the generated data.</summary>
    public const int Features = 50;

    /// <summary>Largest absolute difference allowed between our SHAP values and LightGBM's contributions.</summary>
    public const double Tolerance = 1e-5;

    private LightGbmPeer(LightGbmBooster booster, string dump)
    {
        Booster = booster;
        var ensemble = LightGbmDumpReader.Read(dump);
        Ensemble = ensemble;
        NanSplits = dump.Split("\"missing_type\":\"NaN\"").Length - 1;
        PathDependent = new TreeShapPathDependent(ensemble);
    }

    /// <summary>The native booster.</summary>
    public LightGbmBooster Booster { get; }

    /// <summary>The same trees, covers from the dump's counts.</summary>
    public TreeEnsemble Ensemble { get; }

    /// <summary>Splits of the dump with <c>missing_type "NaN"</c> (a NaN follows <c>default_left</c>).</summary>
    public int NanSplits { get; }

    /// <summary>Our path-dependent TreeSHAP over <see cref="Ensemble"/>.</summary>
    public TreeShapPathDependent PathDependent { get; }

    /// <summary>
    /// Trains <paramref name="trees"/> trees of depth at most <paramref name="depth"/> on <paramref name="trainRows"/> generated
    /// rows, a share <paramref name="missing"/> of whose values is NaN (LightGBM then learns <c>missing_type NaN</c> splits).
    /// </summary>
    public static LightGbmPeer Train(int trees, int depth, int trainRows, int seed, double missing = 0)
    {
        var rng = new Random(seed);
        var x = Rows(rng, trainRows, missing);
        var y = new float[trainRows];
        for (int r = 0; r < trainRows; r++)
        {
            var row = x.AsSpan(r * Features, Features).ToArray().Select(v => double.IsNaN(v) ? 0.5 : v).ToArray();
            double v = (3 * Math.Sin(6 * row[0])) + (2 * row[1] * row[2]) + (row[3] > 0.5 ? 1.5 : -1.5) + Math.Exp(row[4]);
            for (int f = 5; f < Features; f++)
            {
                v += (row[f] - 0.5) * (1.0 / f);
            }

            y[r] = (float)(v + (0.3 * (rng.NextDouble() - 0.5)));
        }

        var booster = LightGbmBooster.Train(x, y, Features, LightGbmBooster.RegressionParameters(depth, seed), trees);
        try
        {
            return new LightGbmPeer(booster, booster.DumpModel());
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    /// <summary>Generated rows like the training data, <c>[rows, features]</c>, uniform in [0, 1) with a share <paramref name="missing"/> of NaN.</summary>
    public static double[] Rows(Random rng, int rows, double missing = 0) =>
        Enumerable.Range(0, rows * Features).Select(_ => rng.NextDouble() < missing ? double.NaN : rng.NextDouble()).ToArray();

    /// <summary>
    /// Explains <paramref name="rows"/> with both implementations and returns the largest absolute difference between
    /// our SHAP values and LightGBM's contributions, the expected value (LightGBM's last column) included.
    /// </summary>
    public double MaxDifference(double[] rows)
    {
        int n = rows.Length / Features;
        var theirs = new double[n * (Features + 1)];
        Booster.PredictContrib(rows, theirs, "num_threads=1");
        var phi = new double[Features];
        var workspace = PathDependent.CreateWorkspace();
        double max = 0;
        for (int r = 0; r < n; r++)
        {
            PathDependent.Explain(rows.AsSpan(r * Features, Features), phi, workspace);
            var contrib = theirs.AsSpan(r * (Features + 1), Features + 1);
            for (int f = 0; f < Features; f++)
            {
                max = Math.Max(max, Math.Abs(phi[f] - contrib[f]));
            }

            max = Math.Max(max, Math.Abs(PathDependent.ExpectedValue[0] - contrib[Features]));
        }

        return max;
    }

    /// <summary>
    /// The <c>--validate</c> mode: trains the benchmark's models, checks our SHAP values against LightGBM's on fresh rows,
    /// prints one line per model and returns the process exit code (0 when every model is within <see cref="Tolerance"/>).
    /// </summary>
    public static int Validate(TextWriter output, (int Trees, int Depth, double Missing)[] models, int trainRows, int checkRows)
    {
        int failures = 0;
        foreach (var (trees, depth, missing) in models)
        {
            using var peer = Train(trees, depth, trainRows, seed: 7, missing);
            double max = peer.MaxDifference(Rows(new Random(11), checkRows, missing));
            bool ok = max <= Tolerance;
            failures += ok ? 0 : 1;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(ok ? "ok  " : "FAIL")} trees={peer.Ensemble.TreeCount} depth={peer.Ensemble.MaxDepth} nodes={peer.Ensemble.NodeCount} NaN share={missing} NaN splits={peer.NanSplits} rows={checkRows} max|ours - LightGBM|={max:E2} (tolerance {Tolerance:E0})"));
        }

        return failures == 0 ? 0 : 1;
    }

    public void Dispose() => Booster.Dispose();
}
