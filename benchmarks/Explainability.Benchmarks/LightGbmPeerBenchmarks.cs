using BenchmarkDotNet.Attributes;
using Explainability.Benchmarks.LightGbm;
using Explainability.Core.Shap;

namespace Explainability.Benchmarks;

/// <summary>
/// Path-dependent TreeSHAP per row, ours against LightGBM's own (<c>LGBM_BoosterPredictForMat</c>, contributions) on the
/// same trees and the same rows, single-threaded. The booster is trained through LightGBM's C API on 10,000 generated
/// rows of 50 features; our ensemble is read from its JSON dump with the node counts as covers (agreement to 1e-5 is
/// checked in setup and by <c>--validate</c>). Each invocation explains <see cref="Rows"/> rows, so LightGBM's per-call
/// set-up is spread over a batch as it would be in use; the Ratio column is ours / LightGBM.
/// Run: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter *LightGbmPeer*</c>.
/// </summary>
[MemoryDiagnoser]
public class LightGbmPeerBenchmarks
{
    /// <summary>Rows explained per invocation.</summary>
    public const int Rows = 64;

    private const int Features = LightGbmPeer.Features;
    private LightGbmPeer _peer = null!;
    private TreeShapPathDependent.Workspace _workspace = null!;
    private double[] _rows = null!;
    private double[] _phi = null!;
    private double[] _contributions = null!;

    /// <summary>Boosting rounds (trees).</summary>
    [Params(100, 500)]
    public int Trees { get; set; }

    /// <summary>LightGBM's <c>max_depth</c> (with <c>num_leaves = 2^depth</c>).</summary>
    [Params(6, 8)]
    public int Depth { get; set; }

    /// <summary>Trains the booster, reads its dump and checks agreement on the timed rows.</summary>
    /// <exception cref="InvalidOperationException">The two TreeSHAPs disagree by more than 1e-5.</exception>
    [GlobalSetup]
    public void Setup()
    {
        _peer = LightGbmPeer.Train(Trees, Depth, trainRows: 10_000, seed: 7);
        _workspace = _peer.PathDependent.CreateWorkspace();
        _rows = LightGbmPeer.Rows(new Random(11), Rows);
        _phi = new double[Features];
        _contributions = new double[Rows * (Features + 1)];
        double max = _peer.MaxDifference(_rows);
        if (max > LightGbmPeer.Tolerance)
        {
            throw new InvalidOperationException($"our SHAP values differ from LightGBM's by {max:E2}");
        }
    }

    /// <summary>Frees the booster.</summary>
    [GlobalCleanup]
    public void Cleanup() => _peer.Dispose();

    /// <summary>LightGBM's TreeSHAP, one thread, per row.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public void LightGbm() => _peer.Booster.PredictContrib(_rows, _contributions, "num_threads=1");

    /// <summary>Our path-dependent TreeSHAP, one thread, per row.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public void Ours()
    {
        for (int r = 0; r < Rows; r++)
        {
            _peer.PathDependent.Explain(_rows.AsSpan(r * Features, Features), _phi, _workspace);
        }
    }
}
