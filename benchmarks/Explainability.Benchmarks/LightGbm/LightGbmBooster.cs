using System.Globalization;
using System.Text;

namespace Explainability.Benchmarks.LightGbm;

/// <summary>
/// A LightGBM booster trained in process through the C API on a dense <c>[rows, features]</c> float64 matrix, with
/// LightGBM's own TreeSHAP (<see cref="PredictContrib"/>) and its JSON model dump. Owns native handles: dispose it.
/// Not thread-safe.
/// </summary>
internal sealed unsafe class LightGbmBooster : IDisposable
{
    private IntPtr _booster;

    private LightGbmBooster(IntPtr booster, int featureCount)
    {
        _booster = booster;
        FeatureCount = featureCount;
    }

    /// <summary>Input width of the model.</summary>
    public int FeatureCount { get; }

    /// <summary>
    /// Trains <paramref name="iterations"/> boosting rounds with <paramref name="parameters"/> (LightGBM's
    /// <c>key=value</c> list, space separated) on <paramref name="rows"/> <c>[rows, features]</c> and
    /// <paramref name="labels"/> <c>[rows]</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">LightGBM refused a call; its message is included.</exception>
    public static LightGbmBooster Train(double[] rows, float[] labels, int featureCount, string parameters, int iterations)
    {
        int n = labels.Length;
        if (rows.Length != n * featureCount)
        {
            throw new ArgumentException($"rows has {rows.Length} values, expected {n} x {featureCount}", nameof(rows));
        }

        IntPtr dataset;
        fixed (double* data = rows)
        {
            LightGbmNative.Check(
                LightGbmNative.LGBM_DatasetCreateFromMat(data, LightGbmNative.DTypeFloat64, n, featureCount, 1, parameters, IntPtr.Zero, out dataset),
                nameof(LightGbmNative.LGBM_DatasetCreateFromMat));
        }

        try
        {
            fixed (float* label = labels)
            {
                LightGbmNative.Check(LightGbmNative.LGBM_DatasetSetField(dataset, "label", label, n, LightGbmNative.DTypeFloat32), nameof(LightGbmNative.LGBM_DatasetSetField));
            }

            LightGbmNative.Check(LightGbmNative.LGBM_BoosterCreate(dataset, parameters, out var booster), nameof(LightGbmNative.LGBM_BoosterCreate));
            var result = new LightGbmBooster(booster, featureCount);
            for (int i = 0; i < iterations; i++)
            {
                LightGbmNative.Check(LightGbmNative.LGBM_BoosterUpdateOneIter(booster, out int finished), nameof(LightGbmNative.LGBM_BoosterUpdateOneIter));
                if (finished != 0)
                {
                    break;
                }
            }

            return result;
        }
        finally
        {
            // The booster keeps what it needs from the training set; LightGBM's own wrappers free the dataset after training too.
            LightGbmNative.Check(LightGbmNative.LGBM_DatasetFree(dataset), nameof(LightGbmNative.LGBM_DatasetFree));
        }
    }

    /// <summary>
    /// LightGBM's TreeSHAP of <paramref name="rows"/> <c>[rows, features]</c> in margin space into
    /// <paramref name="contributions"/> <c>[rows, features + 1]</c> (single-output models; the last column is the expected value).
    /// </summary>
    /// <param name="rows">Rows, <c>[rows, features]</c>.</param>
    /// <param name="contributions">Destination, <c>[rows, features + 1]</c>.</param>
    /// <param name="parameters">Prediction parameters, e.g. <c>num_threads=1</c>.</param>
    public void PredictContrib(ReadOnlySpan<double> rows, Span<double> contributions, string parameters)
    {
        int n = rows.Length / FeatureCount;
        if (contributions.Length != n * (FeatureCount + 1))
        {
            throw new ArgumentException($"contributions needs {n} x {FeatureCount + 1} values", nameof(contributions));
        }

        long written;
        fixed (double* data = rows)
        fixed (double* result = contributions)
        {
            LightGbmNative.Check(
                LightGbmNative.LGBM_BoosterPredictForMat(_booster, data, LightGbmNative.DTypeFloat64, n, FeatureCount, 1,
                    LightGbmNative.PredictContrib, 0, -1, parameters, out written, result),
                nameof(LightGbmNative.LGBM_BoosterPredictForMat));
        }

        if (written != contributions.Length)
        {
            throw new InvalidOperationException($"LightGBM wrote {written} contributions, expected {contributions.Length}");
        }
    }

    /// <summary>The whole model as LightGBM's JSON dump (<c>LGBM_BoosterDumpModel</c>, all iterations, split importance).</summary>
    public string DumpModel()
    {
        LightGbmNative.Check(LightGbmNative.LGBM_BoosterDumpModel(_booster, 0, -1, 0, 0, out long length, null), nameof(LightGbmNative.LGBM_BoosterDumpModel));
        var buffer = new byte[length];
        fixed (byte* text = buffer)
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterDumpModel(_booster, 0, -1, 0, length, out length, text), nameof(LightGbmNative.LGBM_BoosterDumpModel));
        }

        // The length counts the terminating NUL.
        return Encoding.UTF8.GetString(buffer, 0, (int)length - 1);
    }

    /// <summary>Training parameters for a single-threaded, reproducible regression of trees of at most <paramref name="depth"/> splits.</summary>
    public static string RegressionParameters(int depth, int seed) => string.Create(CultureInfo.InvariantCulture,
        $"objective=regression max_depth={depth} num_leaves={Math.Min(1 << depth, 131072)} min_data_in_leaf=5 learning_rate=0.1 num_threads=1 deterministic=true force_row_wise=true seed={seed} verbosity=-1");

    public void Dispose()
    {
        if (_booster != IntPtr.Zero)
        {
            LightGbmNative.Check(LightGbmNative.LGBM_BoosterFree(_booster), nameof(LightGbmNative.LGBM_BoosterFree));
            _booster = IntPtr.Zero;
        }
    }
}
