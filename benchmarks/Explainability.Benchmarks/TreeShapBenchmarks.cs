using BenchmarkDotNet.Attributes;
using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Benchmarks;

/// <summary>
/// Per-row cost of exact TreeSHAP on generated ensembles (complete trees over 50 features, random splits, covers counted
/// from 1,000 rows): path-dependent and interventional (100 background rows) on one thread, and a batch of
/// <see cref="BatchRows"/> rows on one thread and on all cores (the scaling is the ratio of the two batch rows).
/// Run: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter *TreeShapBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class TreeShapBenchmarks
{
    /// <summary>Rows per batch invocation.</summary>
    public const int BatchRows = 256;

    private const int Features = 50;
    private TreeShapPathDependent _pathDependent = null!;
    private TreeShapPathDependent _recursion = null!;
    private TreeShapPathDependent.Workspace _recursionWorkspace = null!;
    private TreeShapInterventional _interventional = null!;
    private TreeShapInterventional _sparse = null!;
    private TreeShapInterventional.Workspace _sparseWorkspace = null!;
    private TreeShapPathDependent.Workspace _pdWorkspace = null!;
    private TreeShapInterventional.Workspace _ivWorkspace = null!;
    private PreparedTreeShap _prepared = null!;
    private double[] _row = null!;
    private double[] _batch = null!;
    private double[] _phi = null!;
    private string[] _outputs = null!;

    /// <summary>Trees in the ensemble.</summary>
    [Params(100, 500, 1000)]
    public int Trees { get; set; }

    /// <summary>Depth of every tree.</summary>
    [Params(6, 8)]
    public int Depth { get; set; }

    /// <summary>Builds the ensemble, covers, background and the prepared batch explainer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var ensemble = GeneratedTrees.Ensemble(rng, Trees, Depth, Features);

        var reference = Enumerable.Range(0, 1000 * Features).Select(_ => rng.NextDouble()).ToArray();
        var withCovers = ensemble.WithCovers(CoverCounter.Count(ensemble, reference), "benchmark");
        _pathDependent = new TreeShapPathDependent(withCovers);
        _recursion = new TreeShapPathDependent(withCovers, maxTableEntries: 0);
        _recursionWorkspace = _recursion.CreateWorkspace();
        _interventional = new TreeShapInterventional(ensemble, reference.AsSpan(0, 100 * Features));
        _sparse = new TreeShapInterventional(ensemble, reference.AsSpan(0, 100 * Features), tableBudgetBytes: 0);
        _sparseWorkspace = _sparse.CreateWorkspace();
        _pdWorkspace = _pathDependent.CreateWorkspace();
        _ivWorkspace = _interventional.CreateWorkspace();
        _row = Enumerable.Range(0, Features).Select(_ => rng.NextDouble()).ToArray();
        _batch = Enumerable.Range(0, BatchRows * Features).Select(_ => rng.NextDouble()).ToArray();
        _phi = new double[Features];
        var map = FeatureMap.Identity([.. Enumerable.Range(0, Features).Select(f => $"f{f}")]);
        _prepared = TreeShapExplainer.Prepare(withCovers, map, [], TreeShapMethod.PathDependent);
        _outputs = ["y"];
        Console.WriteLine(_pathDependent.TableEntries > 0
            ? $"// path-dependent: Fast TreeSHAP v2 tables, {_pathDependent.TableEntries * 8 / (1 << 20)} MiB"
            : "// path-dependent: the recursion (the tables would exceed the budget)");
        Console.WriteLine($"// interventional leaf tables: {_interventional.DenseTrees} of {Trees} trees dense ({_interventional.TableBytes / (1 << 20)} MiB), the rest sparse; sparse only: {_sparse.SparseTableBytes / (1 << 20)} MiB");
    }

    /// <summary>Path-dependent TreeSHAP as served (Fast TreeSHAP v2 tables when they fit the budget), one row, one thread.</summary>
    [Benchmark(Baseline = true)]
    public void PathDependent() => _pathDependent.Explain(_row, _phi, _pdWorkspace);

    /// <summary>Path-dependent TreeSHAP by the recursion (Algorithm 2, no tables), one row, one thread.</summary>
    [Benchmark]
    public void PathDependentRecursion() => _recursion.Explain(_row, _phi, _recursionWorkspace);

    /// <summary>Interventional TreeSHAP over 100 background rows, one row, one thread.</summary>
    [Benchmark]
    public void Interventional100() => _interventional.Explain(_row, _phi, _ivWorkspace);

    /// <summary>Interventional TreeSHAP over 100 background rows with sparse leaf tables only (no dense ones), one row, one thread.</summary>
    [Benchmark]
    public void Interventional100Sparse() => _sparse.Explain(_row, _phi, _sparseWorkspace);

    /// <summary>Path-dependent TreeSHAP through the batch entry point (explanation record included), one thread, per row.</summary>
    [Benchmark(OperationsPerInvoke = BatchRows)]
    public Explanation PathDependentBatchOneThread() => TreeShapExplainer.Explain(_prepared, LinkFunction.Identity, _outputs, _batch, degreeOfParallelism: 1);

    /// <summary>The same batch on every core, per row.</summary>
    [Benchmark(OperationsPerInvoke = BatchRows)]
    public Explanation PathDependentBatchAllCores() => TreeShapExplainer.Explain(_prepared, LinkFunction.Identity, _outputs, _batch, degreeOfParallelism: Environment.ProcessorCount);

}
