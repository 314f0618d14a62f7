using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Core.Models;
using Explainability.Onnx.Graph;

namespace Explainability.Onnx;

/// <summary>
/// Any ONNX model as a black box for model-agnostic explainers (Kernel, Permutation, Exact SHAP): rows of raw features
/// encoded by a <see cref="RawFeatureCodec"/> (numbers as is, categories as codes decoded back to their strings) in,
/// <c>[rows, outputs]</c> out, either ONNX Runtime's served output or, when the graph's tree ensemble or linear model was
/// parsed, its margin. Works for any graph ONNX Runtime runs: trees, linear models, MatMul/Add/Sigmoid networks, text inputs.
/// </summary>
/// <remarks>
/// <para><see cref="Predict(ReadOnlySpan{double}, Span{double})"/> makes one ONNX Runtime call per chunk of at most
/// <see cref="MaxRowsPerRun"/> rows, never one per row. <see cref="RunCalls"/> and <see cref="RowsEvaluated"/> count
/// the calls and the rows, for comparing techniques by cost.</para>
/// <para>Thread-safe: the codec is immutable, the session's Run is thread-safe, and the counters are updated atomically.</para>
/// </remarks>
public sealed class OnnxBlackBox : IBatchModel
{
    private readonly OnnxModel _model;
    private readonly ServedSpec? _served;
    private long _runCalls;
    private long _rowsEvaluated;

    internal OnnxBlackBox(OnnxModel model, RawFeatureCodec codec, OutputSpace space, int maxRowsPerRun, string? outputName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowsPerRun, 1);
        var needed = model.BlackBoxInputNames;
        var missing = needed.Where(n => codec.IndexOf(n) < 0).ToList();
        var extra = codec.FeatureNames.Where(n => !needed.Contains(n)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            string name = missing.Concat(extra).First();
            throw new InputException(name,
                $"the codec's features do not fit the model: {(missing.Count > 0 ? $"missing {string.Join(", ", missing.Select(n => $"'{n}'"))}" : "")}"
                + $"{(missing.Count > 0 && extra.Count > 0 ? "; " : "")}{(extra.Count > 0 ? $"not model inputs {string.Join(", ", extra.Select(n => $"'{n}'"))}" : "")}"
                + $"; expected {string.Join(", ", needed.Select(n => $"'{n}'"))}");
        }

        _model = model;
        Codec = codec;
        OutputSpace = space;
        MaxRowsPerRun = maxRowsPerRun;
        if (space == OutputSpace.Margin)
        {
            if (outputName is not null)
            {
                throw new ArgumentException("the margin is the parsed model's; an output name selects a served output and applies to the probability space only", nameof(outputName));
            }

            var parsed = (IReadOnlyList<string>?)model.TreeModel?.OutputNames ?? model.LinearModel?.OutputNames
                ?? throw new InvalidOperationException(
                    $"the model has no margin: neither a tree ensemble nor a linear model was read ({model.TreeModelUnavailableReason}; {model.LinearModelUnavailableReason}); explain the served output");
            OutputNames = [.. parsed];
            Link = model.TreeModel?.Link ?? model.LinearModel!.Link;
            ServedOutputName = model.TreeModel?.ServedOutputName ?? model.LinearModel!.ServedOutputName;
        }
        else
        {
            _served = model.ResolveServed(outputName);
            OutputNames = _served.OutputNames;
            ServedOutputName = _served.GraphOutput;
            bool parsedPath = model.TreeModel?.ServedOutputName == ServedOutputName || model.LinearModel?.ServedOutputName == ServedOutputName;
            Link = parsedPath ? model.TreeModel?.Link ?? model.LinearModel!.Link : null;
        }
    }

    /// <summary>The codec that encodes raw rows into this model's input rows.</summary>
    public RawFeatureCodec Codec { get; }

    /// <summary>Input names, <c>[inputs]</c>: <see cref="RawFeatureCodec.FeatureNames"/>.</summary>
    public IReadOnlyList<string> InputNames => Codec.FeatureNames;

    /// <summary>
    /// Name of each output, <c>[outputs]</c>: class labels for a classifier (read from a ZipMap by label, never by position),
    /// the parsed model's output names, or column indices (<c>"0"</c>, <c>"1"</c>, ...) of a plain tensor output.
    /// </summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>
    /// <see cref="OutputSpace.Probability"/>: ONNX Runtime's served values (probabilities for a classifier, the prediction
    /// for a regressor); <see cref="OutputSpace.Margin"/>: the parsed tree ensemble's or linear model's margin (plus any
    /// per-row offset), computed from the columns ONNX Runtime feeds it.
    /// </summary>
    public OutputSpace OutputSpace { get; }

    /// <summary>
    /// The link from margin to served output, when the model's tree ensemble or linear model was parsed and the served
    /// output is the one it explains; null for a graph read only as a black box.
    /// </summary>
    public LinkFunction? Link { get; }

    /// <summary>The graph output the served values come from (in margin space: the one the margin leads to).</summary>
    public string ServedOutputName { get; }

    /// <summary>Most rows sent to ONNX Runtime in one call.</summary>
    public int MaxRowsPerRun { get; }

    /// <inheritdoc/>
    public int InputCount => Codec.FeatureCount;

    /// <inheritdoc/>
    public int OutputCount => OutputNames.Count;

    /// <summary>ONNX Runtime calls made so far by <see cref="Predict(ReadOnlySpan{double}, Span{double})"/>.</summary>
    public long RunCalls => Interlocked.Read(ref _runCalls);

    /// <summary>
    /// Rows evaluated so far (model evaluations, the cost measure of a sampling explainer). Equal to the rows ONNX Runtime
    /// saw, except in margin space when the parsed model reads a graph input directly and no runtime call is needed.
    /// </summary>
    public long RowsEvaluated => Interlocked.Read(ref _rowsEvaluated);

    /// <summary>Sets <see cref="RunCalls"/> and <see cref="RowsEvaluated"/> to 0.</summary>
    public void ResetCounters()
    {
        Interlocked.Exchange(ref _runCalls, 0);
        Interlocked.Exchange(ref _rowsEvaluated, 0);
    }

    /// <summary>
    /// Evaluates encoded rows: <paramref name="rows"/> <c>[rows, inputs]</c> (see <see cref="Codec"/>) into
    /// <paramref name="outputs"/> <c>[rows, outputs]</c> in <see cref="OutputSpace"/>, one ONNX Runtime call per
    /// <see cref="MaxRowsPerRun"/> rows.
    /// </summary>
    /// <exception cref="ArgumentException">The buffers do not hold a whole number of rows, or disagree on it.</exception>
    /// <exception cref="InputException">A categorical code is not a known category's, or a value does not fit its model input.</exception>
    public void Predict(ReadOnlySpan<double> rows, Span<double> outputs)
    {
        var table = Codec.Decode(rows);
        if (outputs.Length != table.RowCount * OutputCount)
        {
            throw new ArgumentException($"the output buffer has {outputs.Length} values; {table.RowCount} rows of {OutputCount} outputs need {table.RowCount * OutputCount}", nameof(outputs));
        }

        Evaluate(table).CopyTo(outputs);
    }

    /// <summary>Evaluates raw rows (columns matched by name, others ignored), <c>[rows, outputs]</c>; encodes them with <see cref="Codec"/> first.</summary>
    /// <exception cref="InputException">A feature is missing or a value cannot be encoded (an unseen category is named).</exception>
    public double[] Predict(FeatureTable rows)
    {
        var encoded = Codec.Encode(rows);
        var outputs = new double[rows.RowCount * OutputCount];
        Predict(encoded, outputs);
        return outputs;
    }

    private double[] Evaluate(FeatureTable table)
    {
        void Count(int rows) => Interlocked.Increment(ref _runCalls);

        Interlocked.Add(ref _rowsEvaluated, table.RowCount);
        return _served is { } spec
            ? _model.RunServed(table, false, MaxRowsPerRun, spec, Count)
            : _model.ComputeMargins(table, false, MaxRowsPerRun, Count);
    }
}
