using System.Globalization;
using BenchmarkDotNet.Attributes;
using Explainability.Core.Explanations;
using Explainability.Core.Models;
using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Benchmarks;

/// <summary>
/// Per-row cost of KernelSHAP against the cost of its model evaluations alone: <see cref="ModelEvaluationsOnly"/> sends
/// the very rows KernelSHAP predicts for the row (recorded once, so branch and cache behaviour match) through the same
/// <see cref="IBatchModel"/> in the same batches, so <c>KernelShapRow / ModelEvaluationsOnly</c> (the Ratio column) is the explainer's own
/// overhead: building hybrid rows, the regression and the standard errors. Model: 100 generated trees of depth 6 over
/// 20 features (<see cref="TreeEnsembleModel"/>, double), 10 background rows, 2,088 sampled coalitions per row.
/// Run: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter *KernelShap*</c>.
/// </summary>
[MemoryDiagnoser]
public class KernelShapBenchmarks
{
    private const int Features = 20;
    private const int Trees = 100;
    private const int Depth = 6;
    private const int BackgroundRows = 10;
    private const int Samples = 2088;
    private InterventionalGame _game = null!;
    private TreeEnsembleModel _model = null!;
    private ExplanationLabels _labels = null!;
    private double[] _row = null!;
    private List<double[]> _batches = null!;
    private double[] _outputs = null!;

    /// <summary>Builds the model, the background and, from one explanation, the rows of the model-only baseline.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var ensemble = GeneratedTrees.Ensemble(rng, Trees, Depth, Features);

        _model = new TreeEnsembleModel(ensemble);
        var background = Enumerable.Range(0, BackgroundRows * Features).Select(_ => rng.NextDouble()).ToArray();
        _game = new InterventionalGame(_model, background);
        _labels = new ExplanationLabels(Enumerable.Range(0, Features).Select(f => $"x{f}").ToArray(), ["y"], OutputSpace.Margin, LinkFunction.Identity);
        _row = Enumerable.Range(0, Features).Select(_ => rng.NextDouble()).ToArray();

        // The per-row evaluations: every batch after the background pass of the game's constructor.
        var recorder = new RecordingModel(_model);
        var recorded = new InterventionalGame(recorder, background);
        recorder.Batches.Clear();
        long evaluations = long.Parse(KernelShap.Explain(recorded, _row, _labels, Samples, seed: 1).Parameters["model_evaluations"], CultureInfo.InvariantCulture);
        _batches = recorder.Batches;
        if (_batches.Sum(b => b.Length / Features) != evaluations)
        {
            throw new InvalidOperationException("the recorded rows do not match the reported model evaluations");
        }

        _outputs = new double[_batches.Max(b => b.Length / Features)];
    }

    /// <summary>KernelSHAP of one row (sampled, with standard errors), one thread.</summary>
    [Benchmark]
    public Explanation KernelShapRow() => KernelShap.Explain(_game, _row, _labels, Samples, seed: 1);

    /// <summary>The same number of model rows as <see cref="KernelShapRow"/>, in batches of the game's maximum, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public void ModelEvaluationsOnly()
    {
        foreach (var batch in _batches)
        {
            _model.Predict(batch, _outputs.AsSpan(0, batch.Length / Features));
        }
    }

    private sealed class RecordingModel(IBatchModel inner) : IBatchModel
    {
        public List<double[]> Batches { get; } = [];

        public int InputCount => inner.InputCount;

        public int OutputCount => inner.OutputCount;

        public void Predict(ReadOnlySpan<double> rows, Span<double> outputs)
        {
            Batches.Add(rows.ToArray());
            inner.Predict(rows, outputs);
        }
    }

}
