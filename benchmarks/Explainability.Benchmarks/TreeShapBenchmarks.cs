using BenchmarkDotNet.Attributes;
using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Benchmarks;

/// <summary>
/// Per-row cost of exact TreeSHAP on generated ensembles (features 50, random splits, covers counted from 1,000 rows).
/// Run: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter *TreeShap*</c>.
/// </summary>
[MemoryDiagnoser]
public class TreeShapBenchmarks
{
    private const int Features = 50;
    private TreeShapPathDependent _pathDependent = null!;
    private TreeShapInterventional _interventional = null!;
    private TreeShapPathDependent.Workspace _pdWorkspace = null!;
    private TreeShapInterventional.Workspace _ivWorkspace = null!;
    private double[] _row = null!;
    private double[] _phi = null!;

    /// <summary>Trees in the ensemble.</summary>
    [Params(100, 500)]
    public int Trees { get; set; }

    /// <summary>Depth of every tree.</summary>
    [Params(6)]
    public int Depth { get; set; }

    /// <summary>Builds the ensemble, covers and background.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var builder = new TreeEnsembleBuilder(Features);
        for (int t = 0; t < Trees; t++)
        {
            builder.AddTree(Node(rng, Depth));
        }

        var ensemble = builder.Build();
        var reference = Enumerable.Range(0, 1000 * Features).Select(_ => rng.NextDouble()).ToArray();
        _pathDependent = new TreeShapPathDependent(ensemble.WithCovers(CoverCounter.Count(ensemble, reference), "benchmark"));
        _interventional = new TreeShapInterventional(ensemble, reference.AsSpan(0, 100 * Features));
        _pdWorkspace = _pathDependent.CreateWorkspace();
        _ivWorkspace = _interventional.CreateWorkspace();
        _row = Enumerable.Range(0, Features).Select(_ => rng.NextDouble()).ToArray();
        _phi = new double[Features];
    }

    /// <summary>Path-dependent TreeSHAP, one row, one thread.</summary>
    [Benchmark(Baseline = true)]
    public void PathDependent() => _pathDependent.Explain(_row, _phi, _pdWorkspace);

    /// <summary>Interventional TreeSHAP over 100 background rows, one row, one thread.</summary>
    [Benchmark]
    public void Interventional100() => _interventional.Explain(_row, _phi, _ivWorkspace);

    private static TreeNodeSpec Node(Random rng, int depth) => depth == 0
        ? TreeNodeSpec.Leaf(rng.NextDouble() - 0.5)
        : TreeNodeSpec.Branch(rng.Next(Features), NodeMode.BranchLeq, rng.NextDouble(), Node(rng, depth - 1), Node(rng, depth - 1), rng.Next(2) == 0);
}
