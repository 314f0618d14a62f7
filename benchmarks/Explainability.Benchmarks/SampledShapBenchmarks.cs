using BenchmarkDotNet.Attributes;
using Explainability.Core.Explanations;
using Explainability.Core.Models;
using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Benchmarks;

/// <summary>
/// The model-agnostic explainers per row on the generated ensembles of <see cref="TreeShapBenchmarks"/> (100, 500 and 1000
/// trees of depth 6 and 8 over 50 features, double): KernelSHAP (<see cref="KernelSamples"/> coalitions, as KernelSHAP's
/// default of 2·50 + 2048) and permutation SHAP (<see cref="PermutationShap.MinimumPairs"/> antithetic pairs of orders),
/// each against <see cref="BackgroundRows"/> background rows, one row on one thread and a batch of <see cref="BatchRows"/>
/// rows on all cores (the scaling is the ratio of the two). Their cost is the model evaluations (coalitions times
/// background rows); <see cref="KernelShapBenchmarks"/> measures the explainer's own overhead over them.
/// Run: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter *SampledShap* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class SampledShapBenchmarks
{
    /// <summary>Coalitions KernelSHAP samples per row: 2·features + 2048, KernelSHAP's default.</summary>
    public const int KernelSamples = 2 * Features + 2048;

    /// <summary>Background rows of the interventional game.</summary>
    public const int BackgroundRows = 10;

    /// <summary>Rows per batch invocation.</summary>
    public const int BatchRows = 4;

    private const int Features = 50;
    private InterventionalGame _game = null!;
    private ExplanationLabels _labels = null!;
    private double[] _row = null!;
    private double[] _batch = null!;

    /// <summary>Trees in the ensemble.</summary>
    [Params(100, 500, 1000)]
    public int Trees { get; set; }

    /// <summary>Depth of every tree.</summary>
    [Params(6, 8)]
    public int Depth { get; set; }

    /// <summary>Builds the ensemble (the same generator and seed as <see cref="TreeShapBenchmarks"/>), the background and the rows.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var ensemble = GeneratedTrees.Ensemble(rng, Trees, Depth, Features);

        var model = new TreeEnsembleModel(ensemble);
        var background = Enumerable.Range(0, BackgroundRows * Features).Select(_ => rng.NextDouble()).ToArray();
        _game = new InterventionalGame(model, background);
        _labels = new ExplanationLabels([.. Enumerable.Range(0, Features).Select(f => $"f{f}")], ["y"], OutputSpace.Margin, LinkFunction.Identity);
        _row = [.. Enumerable.Range(0, Features).Select(_ => rng.NextDouble())];
        _batch = [.. Enumerable.Range(0, BatchRows * Features).Select(_ => rng.NextDouble())];
    }

    /// <summary>KernelSHAP of one row, one thread.</summary>
    [Benchmark(Baseline = true)]
    public Explanation KernelShapRow() => KernelShap.Explain(_game, _row, _labels, KernelSamples, seed: 1);

    /// <summary>Permutation SHAP of one row, one thread.</summary>
    [Benchmark]
    public Explanation PermutationShapRow() => PermutationShap.Explain(_game, _row, _labels, PermutationShap.MinimumPairs, seed: 1);

    /// <summary>KernelSHAP of <see cref="BatchRows"/> rows on all cores, per row.</summary>
    [Benchmark(OperationsPerInvoke = BatchRows)]
    public Explanation KernelShapBatchAllCores() => KernelShap.Explain(_game, _batch, _labels, KernelSamples, seed: 1, degreeOfParallelism: Environment.ProcessorCount);

    /// <summary>Permutation SHAP of <see cref="BatchRows"/> rows on all cores, per row.</summary>
    [Benchmark(OperationsPerInvoke = BatchRows)]
    public Explanation PermutationShapBatchAllCores() => PermutationShap.Explain(_game, _batch, _labels, PermutationShap.MinimumPairs, seed: 1, degreeOfParallelism: Environment.ProcessorCount);

}
