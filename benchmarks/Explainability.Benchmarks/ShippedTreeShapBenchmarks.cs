using BenchmarkDotNet.Attributes;
using Explainability.Core.Shap;
using Explainability.Server.Models;

namespace Explainability.Benchmarks;

/// <summary>
/// Path-dependent TreeSHAP of one row of the shipped model (<c>models/credit-risk</c>, read from its ONNX tree-ensemble
/// nodes; raw features as players): Fast TreeSHAP v2 tables, as served, against the recursion (Algorithm 2), one thread.
/// Each call explains the next of the model's 200 background rows: the tables are read at places that depend on the row,
/// so one row repeated would keep just its entries in the cache and flatter them.
/// Run: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter '*ShippedTreeShap*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ShippedTreeShapBenchmarks
{
    private TreeShapPathDependent _tables = null!;
    private TreeShapPathDependent _recursion = null!;
    private TreeShapPathDependent.Workspace _tablesWorkspace = null!;
    private TreeShapPathDependent.Workspace _recursionWorkspace = null!;
    private double[] _rows = null!;
    private int _rowCount;
    private int _next;
    private double[] _phi = null!;

    /// <summary>Loads the model and its background rows.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using var model = LoadedModel.Load(Path.Combine(BenchmarkPaths.RepoRoot(), "models", "credit-risk"));
        var tree = model.Onnx.TreeModel ?? throw new InvalidOperationException("credit-risk is no tree ensemble");
        var columns = model.BackgroundColumns ?? throw new InvalidOperationException("credit-risk has no background");
        // As served: the covers counted from the model's background rows (ML.NET's ONNX export carries none).
        var ensemble = tree.Ensemble.Covers is null ? tree.Ensemble.WithCovers(Core.Trees.CoverCounter.Count(tree.Ensemble, columns), "background") : tree.Ensemble;
        var map = tree.FeatureMap;
        _tables = new TreeShapPathDependent(ensemble, map.ColumnToPlayer(), map.PlayerCount);
        _recursion = new TreeShapPathDependent(ensemble, map.ColumnToPlayer(), map.PlayerCount, maxTableEntries: 0);
        if (_tables.TableEntries == 0)
        {
            throw new InvalidOperationException("the shipped model's tables do not fit the default budget");
        }

        _tablesWorkspace = _tables.CreateWorkspace();
        _recursionWorkspace = _recursion.CreateWorkspace();
        _rows = columns;
        _rowCount = columns.Length / ensemble.FeatureCount;
        _phi = new double[_tables.PlayerCount * ensemble.OutputCount];
        Console.WriteLine($"// credit-risk: {ensemble.TreeCount} trees, depth at most {ensemble.MaxDepth}, {ensemble.FeatureCount} columns, {_tables.PlayerCount} players; tables {_tables.TableEntries * 8 / 1024} KiB");
    }

    /// <summary>Fast TreeSHAP v2 tables (as served), one row (the next background row).</summary>
    [Benchmark(Baseline = true)]
    public void Tables() => _tables.Explain(NextRow(), _phi, _tablesWorkspace);

    /// <summary>The recursion, one row (the next background row).</summary>
    [Benchmark]
    public void Recursion() => _recursion.Explain(NextRow(), _phi, _recursionWorkspace);

    private ReadOnlySpan<double> NextRow()
    {
        int columns = _rows.Length / _rowCount;
        _next = _next + 1 == _rowCount ? 0 : _next + 1;
        return _rows.AsSpan(_next * columns, columns);
    }
}
