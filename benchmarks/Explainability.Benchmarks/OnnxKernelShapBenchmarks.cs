using System.Globalization;
using BenchmarkDotNet.Attributes;
using Explainability.Core.Explanations;
using Explainability.Core.Models;
using Explainability.Core.Shap;
using Explainability.Onnx;
using Explainability.Server.Models;

namespace Explainability.Benchmarks;

/// <summary>
/// KernelSHAP's own overhead on the shipped model (<c>models/credit-risk</c>, served through ONNX Runtime):
/// <see cref="KernelShapRow"/> explains one row (20 background rows, 400 sampled coalitions, probability space) and
/// <see cref="OnnxEvaluationsOnly"/> (the baseline) sends exactly the model rows KernelSHAP sent for it (recorded once in
/// <see cref="Setup"/>) through the same <see cref="OnnxBlackBox"/> in the same batches. The Ratio column is therefore
/// <c>1 + overhead / model-evaluation time</c>; the target is below 1.15. <see cref="PermutationShapRow"/> times permutation
/// SHAP of the same row beside them.
/// Run: <c>dotnet run -c Release --project benchmarks/Explainability.Benchmarks -- --filter '*OnnxKernelShap*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class OnnxKernelShapBenchmarks
{
    private const int BackgroundRows = 20;
    private const int Samples = 400;
    private LoadedModel _model = null!;
    private OnnxBlackBox _blackBox = null!;
    private InterventionalGame _game = null!;
    private ExplanationLabels _labels = null!;
    private double[] _row = null!;
    private List<double[]> _batches = null!;
    private double[] _outputs = null!;

    /// <summary>Loads the model, encodes background and row, and records the rows one explanation sends to the model.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = LoadedModel.Load(Path.Combine(BenchmarkPaths.RepoRoot(), "models", "credit-risk"));
        var full = _model.Background ?? throw new InvalidOperationException("credit-risk has no background");
        var background = full.SelectRows(Enumerable.Range(0, BackgroundRows));
        var row = full.SelectRows([BackgroundRows]);
        var text = _model.Onnx.Inputs.Where(i => i.ElementType == OnnxElementType.String).SelectMany(i => i.ColumnNames).ToHashSet(StringComparer.Ordinal);
        var categories = _model.Card.Features
            .Where(f => f.Categories is { Count: > 0 } && text.Contains(f.Name))
            .ToDictionary(f => f.Name, f => (IReadOnlyList<string>)[.. f.Categories!.Keys], StringComparer.Ordinal);
        var codec = RawFeatureCodec.For(_model.Onnx, full, categories);
        _blackBox = _model.Onnx.AsBatchModel(codec, OutputSpace.Probability);
        var encodedBackground = codec.Encode(background);
        _game = new InterventionalGame(_blackBox, encodedBackground);
        _labels = new ExplanationLabels(codec.FeatureNames, _model.LabelOutputs(_blackBox.OutputNames), OutputSpace.Probability, _blackBox.Link ?? LinkFunction.Identity);
        _row = codec.Encode(row);

        // The per-row evaluations: every batch after the background pass of the game's constructor.
        var recorder = new RecordingModel(_blackBox);
        var recorded = new InterventionalGame(recorder, encodedBackground);
        recorder.Batches.Clear();
        long evaluations = long.Parse(KernelShap.Explain(recorded, _row, _labels, Samples, seed: 1).Parameters["model_evaluations"], CultureInfo.InvariantCulture);
        _batches = recorder.Batches;
        int inputs = _blackBox.InputCount;
        if (_batches.Sum(b => b.Length / inputs) != evaluations)
        {
            throw new InvalidOperationException("the recorded rows do not match the reported model evaluations");
        }

        _outputs = new double[_batches.Max(b => b.Length / inputs) * _blackBox.OutputCount];
    }

    /// <summary>Releases the ONNX session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    /// <summary>KernelSHAP of one credit-risk row (sampled, with standard errors), one thread.</summary>
    [Benchmark]
    public Explanation KernelShapRow() => KernelShap.Explain(_game, _row, _labels, Samples, seed: 1);

    /// <summary>Permutation SHAP of the same row (10 antithetic pairs of feature orders, the minimum; 20 features, so
    /// 20 · 2 · 10 coalitions against the same background), one thread: the other sampled explainer on the shipped model.</summary>
    [Benchmark]
    public Explanation PermutationShapRow() => PermutationShap.Explain(_game, _row, _labels, PermutationShap.MinimumPairs, seed: 1);

    /// <summary>The model rows of <see cref="KernelShapRow"/>, in its batches, through the same ONNX session; nothing else.</summary>
    [Benchmark(Baseline = true)]
    public void OnnxEvaluationsOnly()
    {
        int inputs = _blackBox.InputCount;
        int outputs = _blackBox.OutputCount;
        foreach (var batch in _batches)
        {
            _blackBox.Predict(batch, _outputs.AsSpan(0, batch.Length / inputs * outputs));
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
