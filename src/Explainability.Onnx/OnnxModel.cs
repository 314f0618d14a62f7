using System.Security.Cryptography;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Core.Models;
using Explainability.Core.Trees;
using Explainability.Onnx.Graph;
using Explainability.Onnx.Linear;
using Explainability.Onnx.Proto;
using Explainability.Onnx.Runtime;
using Explainability.Onnx.Trees;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Explainability.Onnx;

/// <summary>
/// An ONNX model loaded for explanation: its raw inputs, an ONNX Runtime session, and, when the graph serves an
/// <c>ai.onnx.ml</c> tree ensemble (<see cref="TreeModel"/>) or linear model (<see cref="LinearModel"/>), that model in
/// margin space with its link and the map from its input columns to the raw features. Any graph, parsed or not, can be
/// explained as a black box (<see cref="AsBatchModel(RawFeatureCodec, OutputSpace, int, string?)"/>).
/// </summary>
/// <remarks>
/// <para>Preprocessing in front of the ensemble or linear node is never reimplemented: the session is created from the
/// model with the node's input tensor added as an extra graph output, so <see cref="ComputeColumns"/> returns exactly the
/// columns ONNX Runtime feeds it. Which raw input each column comes from is found by a dataflow analysis over the graph.</para>
/// <para>Instances are thread-safe: runs share one <see cref="InferenceSession"/>, whose <c>Run</c> is thread-safe.</para>
/// </remarks>
public sealed class OnnxModel : IDisposable
{
    /// <summary>Rows per ONNX Runtime call in <see cref="ComputeColumns"/> and <see cref="RunServedOutput"/>.</summary>
    public const int DefaultBatchSize = 1024;

    private readonly InferenceSession _session;
    private readonly InputBinder _binder;
    private readonly ColumnDependencies _dependencies;
    private readonly ServedPath? _served;
    private readonly string? _columnsOutput;
    private readonly int _columnCount;
    private readonly List<(OnnxOffset Offset, int Width)> _offsets = [];
    private readonly IReadOnlyList<ValueInfoProto> _graphOutputs;
    private readonly Dictionary<string, string[]> _zipMapKeys;
    private readonly string _scorerKind = "ensemble";

    private OnnxModel(byte[] bytes, IReadOnlyList<string>? featureNames)
    {
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"the bytes are not an ONNX model (protobuf ModelProto): {e.Message}", e);
        }

        var graph = model.Graph ?? throw new InvalidDataException("the ONNX model has no graph");
        int originalOutputs = graph.Output.Count;
        var inputs = DescribeInputs(graph, featureNames);
        var inputColumns = new Dictionary<string, int[]>();
        int raw = 0;
        foreach (var input in inputs)
        {
            inputColumns[input.Name] = Enumerable.Range(raw, input.Width).ToArray();
            raw += input.Width;
        }

        _dependencies = new ColumnDependencies(graph, inputColumns);
        var ensembles = graph.Node.Where(TreeEnsembleReader.IsTreeEnsemble).ToList();
        NodeProto? ensemble = ensembles.Count == 1 ? ensembles[0] : null;
        var linears = graph.Node.Where(LinearModelReader.IsLinear).ToList();
        NodeProto? linear = ensembles.Count == 0 && linears.Count == 1 ? linears[0] : null;
        var scorer = ensemble ?? linear;
        var graphInputs = inputs.Select(i => i.Name).ToHashSet();
        if (scorer is not null && !graphInputs.Contains(scorer.Input[0]) && graph.Output.All(o => o.Name != scorer.Input[0]))
        {
            var extra = graph.ValueInfo.FirstOrDefault(v => v.Name == scorer.Input[0])?.Clone() ?? new ValueInfoProto { Name = scorer.Input[0] };
            graph.Output.Add(extra);
            _columnsOutput = scorer.Input[0];
        }

        // A per-row offset added after the ensemble is read from ONNX Runtime like the ensemble's input (casebook C11);
        // which candidates are offsets is decided by the trace below, after the session exists.
        var offsetCandidates = ensemble is null ? [] : ServedOutputTracer.OffsetCandidates(graph, ensemble);
        foreach (var candidate in offsetCandidates.Where(c => graph.Output.All(o => o.Name != c)))
        {
            graph.Output.Add(graph.ValueInfo.FirstOrDefault(v => v.Name == candidate)?.Clone() ?? new ValueInfoProto { Name = candidate });
        }

        // Warnings off: converters declare shapes ONNX Runtime infers differently (ML.NET's OneHotEncoder [N, k] vs [N, 1, k])
        // and the runtime says so on every load; errors still surface as exceptions.
        // No spinning: after a run ONNX Runtime's intra-op threads otherwise busy-wait for the next one, taking the cores
        // the server's own threads (Kestrel, TreeSHAP, rendering) need between two calls; on few cores that is the latency tail.
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        _session = new InferenceSession(model.ToByteArray(), options);
        Inputs = inputs;
        _binder = new InputBinder(inputs);
        RawFeatureNames = inputs.SelectMany(i => i.ColumnNames).ToArray();
        InputCategories = Graph.InputCategories.Read(graph, inputs);
        _graphOutputs = [.. graph.Output.Take(originalOutputs)];
        _zipMapKeys = ZipMapKeysByOutput(graph);

        var mlOps = graph.Node.Select(n => n.OpType).Distinct().ToList();
        LinearModelUnavailableReason = linear is not null ? null
            : ensembles.Count > 0 ? "the graph has tree ensemble nodes; a linear node is read only from a graph without one"
            : linears.Count > 1 ? $"the graph has {linears.Count} linear nodes ({string.Join(", ", linears.Select(e => $"'{e.Name}'"))}); one is supported"
            : $"no linear model: the graph has no ai.onnx.ml LinearRegressor or LinearClassifier node (its ops: {string.Join(", ", mlOps)})";
        if (ensemble is null)
        {
            TreeModelUnavailableReason = ensembles.Count > 1
                ? $"the graph has {ensembles.Count} tree ensemble nodes ({string.Join(", ", ensembles.Select(e => $"'{e.Name}'"))}); one is supported"
                : $"no tree ensemble: the graph has no ai.onnx.ml TreeEnsembleRegressor, TreeEnsembleClassifier or TreeEnsemble node (its ops: {string.Join(", ", mlOps)})";
            if (linear is null)
            {
                return;
            }

            _scorerKind = "linear model";
            try
            {
                _columnsOutput ??= linear.Input[0];
                var (width, _) = ProbeColumns();
                _columnCount = width;
                var (map, featureInputs, mappingSource) = MapColumns(linear.Input[0], width, inputs);
                var parsed = LinearModelReader.Read(linear, width);
                var tracer = new ServedOutputTracer(graph);
                var paths = tracer.Trace(parsed.ScoreOutput, parsed.ScoreColumns, parsed.ScoreWidth, parsed.PostTransform, parsed.ScoresSumToOne);
                if (paths.Count == 0)
                {
                    throw new UnsupportedModelException(
                        $"the scores of {linear.OpType} '{linear.Name}' reach no graph output through supported ops"
                        + (tracer.Problems.Count > 0 ? ": " + string.Join("; ", tracer.Problems.Distinct()) : ""));
                }

                var path = paths.OrderByDescending(p => p.Steps).First();
                int k = path.EnsembleOutputs.Length;
                var weights = new double[k * width];
                var intercepts = new double[k];
                for (int o = 0; o < k; o++)
                {
                    int source = path.EnsembleOutputs[o];
                    for (int c = 0; c < width; c++)
                    {
                        weights[(o * width) + c] = parsed.Weights[(source * width) + c] * path.Scale[o];
                    }

                    intercepts[o] = (parsed.Intercepts[source] * path.Scale[o]) + path.Offset[o];
                }

                Inputs = inputs = [.. inputs.Select(i => i with { IsFeature = featureInputs.Contains(i.Name) })];
                _binder = new InputBinder(inputs);
                RawFeatureNames = map.FeatureNames;
                _served = path;
                LinearModel = new OnnxLinearModel(weights, intercepts, map, path.Link, [.. path.EnsembleOutputs.Select(o => parsed.OutputLabels[o])],
                    path.GraphOutput, linear.Name, linear.OpType, linear.Input[0], mappingSource);
                LinearModelUnavailableReason = null;
            }
            catch (UnsupportedModelException e)
            {
                LinearModelUnavailableReason = e.Message;
            }
            catch (Exception e) when (e is InputException or OnnxRuntimeException)
            {
                LinearModelUnavailableReason = $"ONNX Runtime could not compute the linear model's input '{linear.Input[0]}' for a neutral row: {e.Message}";
            }

            return;
        }

        try
        {
            _columnsOutput ??= ensemble.Input[0];
            var (width, isDouble) = ProbeColumns();
            _columnCount = width;
            var (map, featureInputs, mappingSource) = MapColumns(ensemble.Input[0], width, inputs);
            Inputs = inputs = [.. inputs.Select(i => i with { IsFeature = featureInputs.Contains(i.Name) })];
            _binder = new InputBinder(inputs);
            RawFeatureNames = map.FeatureNames;

            var parsed = TreeEnsembleReader.Read(ensemble, width, isDouble);
            var owner = inputs.SelectMany(i => i.ColumnNames.Select(_ => i.Name)).ToArray();
            var candidates = offsetCandidates.Concat(graphInputs).ToHashSet(StringComparer.Ordinal);
            string? OffsetProblem(string tensor)
            {
                if (!candidates.Contains(tensor))
                {
                    return "it is computed from the ensemble's scores";
                }

                var reads = _dependencies.Union(tensor).Select(c => owner[c]).Where(featureInputs.Contains).Distinct().ToList();
                return reads.Count == 0 ? null : $"it depends on {string.Join(", ", reads.Select(r => $"'{r}'"))}, which the ensemble also reads";
            }

            var tracer = new ServedOutputTracer(graph, OffsetProblem);
            var paths = tracer.Trace(parsed.ScoreOutput, parsed.ScoreColumns, parsed.ScoreWidth, parsed.PostTransform);
            if (paths.Count == 0)
            {
                throw new UnsupportedModelException(
                    $"the scores of {ensemble.OpType} '{ensemble.Name}' reach no graph output through supported ops"
                    + (tracer.Problems.Count > 0 ? ": " + string.Join("; ", tracer.Problems.Distinct()) : ""));
            }

            // The longest way is the most processed served value: the probability rather than a raw score pass-through.
            var path = paths.OrderByDescending(p => p.Steps).First();
            var trees = SelectOutputs(parsed.Ensemble, path.EnsembleOutputs);
            if (path.Scale.Any(s => s != 1) || path.Offset.Any(o => o != 0))
            {
                trees = trees.WithAffine(path.Scale, path.Offset);
            }

            var offsets = new List<(OnnxOffset Offset, int Width)>();
            foreach (var term in path.Offsets)
            {
                int offsetWidth = ProbeWidth(term.Tensor);
                if (offsetWidth != 1 && offsetWidth != term.ScoreWidth)
                {
                    throw new UnsupportedModelException(
                        $"the per-row offset '{term.Tensor}' has {offsetWidth} columns where the score it is added to has {term.ScoreWidth}; expected 1 (broadcast) or {term.ScoreWidth}");
                }

                var from = _dependencies.Union(term.Tensor).Select(c => owner[c]).Distinct().ToArray();
                offsets.Add((new OnnxOffset(term.Tensor, from, term.Coefficients, [.. term.Columns.Select(c => offsetWidth == 1 ? 0 : c)]), offsetWidth));
            }

            var offsetInputs = offsets.SelectMany(o => o.Offset.Inputs).ToHashSet(StringComparer.Ordinal);
            Inputs = inputs = [.. inputs.Select(i => i with { IsOffset = offsetInputs.Contains(i.Name) })];
            _binder = new InputBinder(inputs);
            _offsets = offsets;
            OffsetColumnNames = [.. inputs.Where(i => i.IsOffset && !i.IsFeature).SelectMany(i => i.ColumnNames)];
            _served = path;
            TreeModel = new OnnxTreeModel(trees, map, path.Link, [.. path.EnsembleOutputs.Select(o => parsed.OutputLabels[o])],
                path.GraphOutput, ensemble.Name, ensemble.OpType, ensemble.Input[0], isDouble, mappingSource, [.. offsets.Select(o => o.Offset)]);
        }
        catch (UnsupportedModelException e)
        {
            TreeModelUnavailableReason = e.Message;
        }
        catch (Exception e) when (e is InputException or OnnxRuntimeException)
        {
            TreeModelUnavailableReason = $"ONNX Runtime could not compute the ensemble input '{ensemble.Input[0]}' for a neutral row: {e.Message}";
        }
    }

    /// <summary>Hex SHA-256 of the model file's bytes (lower case), recorded with every explanation.</summary>
    public string Sha256 { get; }

    /// <summary>The graph's inputs (initializers excluded), in graph order.</summary>
    public IReadOnlyList<OnnxInput> Inputs { get; }

    /// <summary>
    /// Raw feature names, <c>[features]</c>: the columns of the inputs the explained output depends on, in input order.
    /// A per-column input is named by the input; a matrix input's columns by the names given to <see cref="Load(string, IReadOnlyList{string}?)"/>.
    /// </summary>
    public IReadOnlyList<string> RawFeatureNames { get; }

    /// <summary>
    /// Raw column name -> the categories the graph's encoders know, for per-column text inputs read only by
    /// <c>OneHotEncoder</c>, <c>CategoryMapper</c> or <c>LabelEncoder</c> (see <see cref="Graph.InputCategories"/>); a
    /// model without a card refuses other text there instead of explaining it as an all-zero encoding.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> InputCategories { get; }

    /// <summary>
    /// Raw column names of the inputs that feed a per-row offset (<see cref="OnnxTreeModel.Offsets"/>), <c>[columns]</c>;
    /// empty when there is none. They are not in <see cref="RawFeatureNames"/> (the trees do not read them and they get no
    /// SHAP value), but a request must carry them: the served output and the offset term depend on them.
    /// </summary>
    public IReadOnlyList<string> OffsetColumnNames { get; } = [];

    /// <summary>The served tree ensemble, or null when the graph has none this reader can explain exactly (see <see cref="TreeModelUnavailableReason"/>).</summary>
    public OnnxTreeModel? TreeModel { get; }

    /// <summary>Why <see cref="TreeModel"/> is null, or null when it is not.</summary>
    public string? TreeModelUnavailableReason { get; }

    /// <summary>
    /// The served linear model (<c>ai.onnx.ml</c> LinearRegressor / LinearClassifier) in margin space, or null when the
    /// graph has a tree ensemble, no single linear node, or one this reader cannot follow to a graph output (see
    /// <see cref="LinearModelUnavailableReason"/>).
    /// </summary>
    public OnnxLinearModel? LinearModel { get; }

    /// <summary>Why <see cref="LinearModel"/> is null (for a graph with a tree ensemble: that it has one), or null when it is not.</summary>
    public string? LinearModelUnavailableReason { get; }

    /// <summary>Loads the model file at <paramref name="path"/>.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="featureNames">Names of the columns of matrix inputs (<c>[N, M]</c>, e.g. from a CSV header), in input
    /// order; when null each column is named <c>input[i]</c>. Per-column inputs are named by the input.</param>
    /// <exception cref="InvalidDataException">The file is not an ONNX model.</exception>
    /// <exception cref="InputException">The feature names do not fit the matrix inputs.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load the graph.</exception>
    public static OnnxModel Load(string path, IReadOnlyList<string>? featureNames = null) => new(File.ReadAllBytes(path), featureNames);

    /// <summary>Loads a model from its bytes; see <see cref="Load(string, IReadOnlyList{string}?)"/>.</summary>
    public static OnnxModel Load(byte[] bytes, IReadOnlyList<string>? featureNames = null) => new(bytes, featureNames);

    /// <summary>
    /// The ensemble's (or linear node's) input columns for raw rows, as ONNX Runtime computes them (all preprocessing
    /// applied), widened exactly to double: <c>[rows, columns]</c> row-major, <c>columns = TreeModel.Ensemble.FeatureCount</c>
    /// (or <c>LinearModel.ColumnCount</c>).
    /// One runtime call per batch of <paramref name="batchSize"/> rows.
    /// </summary>
    /// <param name="rows">Raw rows; columns are bound by name (see <see cref="OnnxInput"/>).</param>
    /// <param name="allowExtraColumns">Whether columns that are no model input are ignored rather than refused.</param>
    /// <param name="batchSize">Rows per runtime call.</param>
    /// <exception cref="InvalidOperationException">The model has neither <see cref="TreeModel"/> nor <see cref="LinearModel"/>.</exception>
    /// <exception cref="InputException">A feature is missing, a column unknown, or a value of the wrong kind.</exception>
    public double[] ComputeColumns(FeatureTable rows, bool allowExtraColumns = false, int batchSize = DefaultBatchSize)
    {
        if (TreeModel is null && LinearModel is null)
        {
            throw new InvalidOperationException($"the model has no explainable tree ensemble or linear model: {TreeModelUnavailableReason}; {LinearModelUnavailableReason}");
        }

        var result = new double[rows.RowCount * _columnCount];
        RunBatches(rows, allowExtraColumns, batchSize, [_columnsOutput!], requireOffsets: false, (start, count, outputs) =>
        {
            var values = ToDoubles(outputs[0]);
            if (values.Length != count * _columnCount)
            {
                throw new InvalidOperationException($"ONNX Runtime returned {values.Length} values for {count} rows of {_columnCount} columns");
            }

            values.CopyTo(result, start * _columnCount);
        });
        return result;
    }

    /// <summary>
    /// ONNX Runtime's own served values of the explained outputs, <c>[rows, outputs]</c> in the order of
    /// <see cref="OnnxTreeModel.OutputNames"/>, in the served space (probabilities for a classifier). A ZipMap output is
    /// read by class label, never by position (casebook C17). These are the values
    /// <c>Link(TreeModel.Ensemble.Evaluate(columns))</c> must reproduce.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no <see cref="TreeModel"/>.</exception>
    /// <exception cref="InputException">As for <see cref="ComputeColumns"/>.</exception>
    public double[] RunServedOutput(FeatureTable rows, bool allowExtraColumns = false, int batchSize = DefaultBatchSize)
    {
        var path = _served ?? throw new InvalidOperationException($"the model has no explained output: {TreeModelUnavailableReason}; {LinearModelUnavailableReason}");
        return RunServed(rows, allowExtraColumns, batchSize, new ServedSpec(path.GraphOutput, path.Columns, path.ZipMapKeys, []), null);
    }

    /// <summary>The values of <paramref name="spec"/>'s graph output for <paramref name="rows"/>, <c>[rows, outputs]</c>; one runtime call per batch.</summary>
    internal double[] RunServed(FeatureTable rows, bool allowExtraColumns, int batchSize, ServedSpec spec, Action<int>? onRun)
    {
        var result = new double[rows.RowCount * spec.Columns.Length];
        RunBatches(rows, allowExtraColumns, batchSize, [spec.GraphOutput], requireOffsets: true, (start, count, outputs) =>
            ReadServed(spec, outputs[0], start, count, result), onRun);
        return result;
    }

    /// <summary>
    /// Everything a TreeSHAP request needs from ONNX Runtime, from one runtime call per batch: the ensemble's input columns
    /// (as <see cref="ComputeColumns"/>), the per-row offsets (as <see cref="ComputeOffsets"/>) and the served output (as
    /// <see cref="RunServedOutput"/>). One call instead of three is what a single-row request's latency needs.
    /// </summary>
    /// <param name="rows">Raw rows, carrying the offset inputs when the model has an offset.</param>
    /// <param name="allowExtraColumns">Whether columns that are no model input are ignored rather than refused.</param>
    /// <param name="batchSize">Rows per runtime call.</param>
    /// <exception cref="InvalidOperationException">The model has no <see cref="TreeModel"/>.</exception>
    /// <exception cref="InputException">As for <see cref="ComputeColumns"/>.</exception>
    public TreeRuntimeValues ComputeTreeRuntimeValues(FeatureTable rows, bool allowExtraColumns = false, int batchSize = DefaultBatchSize)
    {
        var tree = TreeModel ?? throw new InvalidOperationException($"the model has no explainable tree ensemble: {TreeModelUnavailableReason}");
        var path = _served!;
        int n = rows.RowCount, m = _columnCount, k = tree.OutputNames.Count;
        var columns = new double[n * m];
        var served = new double[n * k];
        var offsets = tree.HasOffset ? new double[n * k] : null;
        var spec = new ServedSpec(path.GraphOutput, path.Columns, path.ZipMapKeys, []);
        string[] names = [.. new[] { _columnsOutput! }.Concat(_offsets.Select(o => o.Offset.Tensor)).Append(path.GraphOutput).Distinct(StringComparer.Ordinal)];
        RunBatches(rows, allowExtraColumns, batchSize, names, requireOffsets: true, (start, count, values) =>
        {
            NamedOnnxValue Value(string name) => values[Array.IndexOf(names, name)];
            var columnValues = ToDoubles(Value(_columnsOutput!));
            if (columnValues.Length != count * m)
            {
                throw new InvalidOperationException($"ONNX Runtime returned {columnValues.Length} values for {count} rows of {m} columns");
            }

            columnValues.CopyTo(columns, start * m);
            foreach (var (offset, width) in _offsets)
            {
                var offsetValues = ToDoubles(Value(offset.Tensor));
                for (int r = 0; r < count; r++)
                {
                    for (int o = 0; o < k; o++)
                    {
                        offsets![((start + r) * k) + o] += offset.Coefficients[o] * offsetValues[(r * width) + offset.Columns[o]];
                    }
                }
            }

            ReadServed(spec, Value(path.GraphOutput), start, count, served);
        });
        return new TreeRuntimeValues(columns, offsets, served);
    }

    /// <summary>Writes the served values of one batch, <c>[count, outputs]</c> from row <paramref name="start"/>: a ZipMap by class label, a tensor by column.</summary>
    private static void ReadServed(ServedSpec spec, NamedOnnxValue output, int start, int count, double[] result)
    {
        int k = spec.Columns.Length;
        if (spec.ZipMapKeys is { } keys)
        {
            int r = 0;
            foreach (var map in output.AsEnumerable<NamedOnnxValue>())
            {
                var dict = ToDictionary(map.Value);
                for (int o = 0; o < k; o++)
                {
                    result[((start + r) * k) + o] = dict.TryGetValue(keys[o], out double v)
                        ? v
                        : throw new InvalidOperationException($"output '{spec.GraphOutput}' has no class '{keys[o]}'");
                }

                r++;
            }

            return;
        }

        var values = ToDoubles(output);
        int width = values.Length / Math.Max(1, count);
        for (int r = 0; r < count; r++)
        {
            for (int o = 0; o < k; o++)
            {
                result[((start + r) * k) + o] = values[(r * width) + spec.Columns[o]];
            }
        }
    }

    /// <summary>
    /// The margins of the parsed model (<see cref="TreeModel"/> with its per-row offsets, or <see cref="LinearModel"/>) for
    /// <paramref name="rows"/>, <c>[rows, outputs]</c> in margin space; one runtime call per batch fetches the columns (and offsets).
    /// </summary>
    internal double[] ComputeMargins(FeatureTable rows, bool allowExtraColumns, int batchSize, Action<int>? onRun)
    {
        if (TreeModel is null && LinearModel is null)
        {
            throw new InvalidOperationException($"the model has no margin: {TreeModelUnavailableReason}; {LinearModelUnavailableReason}");
        }

        int m = _columnCount;
        int k = TreeModel?.OutputNames.Count ?? LinearModel!.OutputCount;
        var result = new double[rows.RowCount * k];
        string[] outputs = [_columnsOutput!, .. _offsets.Select(o => o.Offset.Tensor)];
        RunBatches(rows, allowExtraColumns, batchSize, outputs, requireOffsets: true, (start, count, values) =>
        {
            var columns = ToDoubles(values[0]);
            if (columns.Length != count * m)
            {
                throw new InvalidOperationException($"ONNX Runtime returned {columns.Length} values for {count} rows of {m} columns");
            }

            for (int r = 0; r < count; r++)
            {
                var margin = result.AsSpan((start + r) * k, k);
                if (TreeModel is { } tree)
                {
                    tree.Ensemble.Evaluate(columns.AsSpan(r * m, m), margin);
                }
                else
                {
                    LinearModel!.Evaluate(columns.AsSpan(r * m, m), margin);
                }
            }

            for (int i = 0; i < _offsets.Count; i++)
            {
                var (offset, width) = _offsets[i];
                var offsetValues = ToDoubles(values[1 + i]);
                for (int r = 0; r < count; r++)
                {
                    for (int o = 0; o < k; o++)
                    {
                        result[((start + r) * k) + o] += offset.Coefficients[o] * offsetValues[(r * width) + offset.Columns[o]];
                    }
                }
            }
        }, onRun);
        return result;
    }

    /// <summary>Names of the outputs a black box explains in probability space (<see cref="ResolveServed"/> of the default
    /// served output), <c>[outputs]</c>: class labels of a ZipMap, else column indices.</summary>
    public IReadOnlyList<string> ServedOutputNames => ResolveServed(null).OutputNames;

    /// <summary>
    /// The served output a black box reads: the parsed model's (<see cref="RunServedOutput"/>) when <paramref name="outputName"/>
    /// is null or names it; else the named graph output, or by default the first ZipMap output, else the first float
    /// tensor output (label outputs are skipped). A ZipMap is read by class label; a tensor by column.
    /// </summary>
    internal ServedSpec ResolveServed(string? outputName)
    {
        if (_served is { } path && (outputName is null || outputName == path.GraphOutput))
        {
            var names = TreeModel?.OutputNames ?? LinearModel!.OutputNames;
            return new ServedSpec(path.GraphOutput, path.Columns, path.ZipMapKeys, [.. names]);
        }

        static bool IsMap(ValueInfoProto o) => o.Type?.SequenceType?.ElemType?.MapType is not null;
        static bool IsFloat(ValueInfoProto o) => o.Type?.TensorType is { } t
            && (TensorProto.Types.DataType)t.ElemType is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double;
        var info = outputName is not null
            ? _graphOutputs.FirstOrDefault(o => o.Name == outputName)
                ?? throw new ArgumentException($"'{outputName}' is not an output of the model; its outputs are {string.Join(", ", _graphOutputs.Select(o => $"'{o.Name}'"))}", nameof(outputName))
            : _graphOutputs.FirstOrDefault(IsMap) ?? _graphOutputs.FirstOrDefault(IsFloat)
                ?? throw new UnsupportedModelException(
                    $"no graph output is a float tensor or a ZipMap of scores; the outputs are {string.Join(", ", _graphOutputs.Select(o => $"'{o.Name}'"))}");
        if (IsMap(info))
        {
            var keys = _zipMapKeys.TryGetValue(info.Name, out var k)
                ? k
                : throw new UnsupportedModelException($"output '{info.Name}' is a map that no ZipMap node with class labels produces; its keys are unknown");
            return new ServedSpec(info.Name, [.. Enumerable.Range(0, keys.Length)], keys, keys);
        }

        int width = ProbeWidth(info.Name);
        return new ServedSpec(info.Name, [.. Enumerable.Range(0, width)], null,
            [.. Enumerable.Range(0, width).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }

    /// <summary>
    /// The per-row offsets the graph adds to the margin (casebook C11), as ONNX Runtime computes them from the rows, signed
    /// and broadcast to each explained output: <c>[rows, outputs]</c> in margin space, the sum over
    /// <see cref="OnnxTreeModel.Offsets"/> of <c>Coefficients[o] * tensor[row, Columns[o]]</c>. Null when the model has no offset.
    /// </summary>
    /// <param name="rows">Raw rows; they must carry the offset inputs (<see cref="OffsetColumnNames"/>).</param>
    /// <param name="allowExtraColumns">Whether columns that are no model input are ignored rather than refused.</param>
    /// <param name="batchSize">Rows per runtime call.</param>
    /// <exception cref="InvalidOperationException">The model has no <see cref="TreeModel"/>.</exception>
    /// <exception cref="InputException">An offset or feature is missing, a column unknown, or a value of the wrong kind.</exception>
    public double[]? ComputeOffsets(FeatureTable rows, bool allowExtraColumns = false, int batchSize = DefaultBatchSize)
    {
        var tree = TreeModel ?? throw new InvalidOperationException($"the model has no explainable tree ensemble: {TreeModelUnavailableReason}");
        if (!tree.HasOffset)
        {
            return null;
        }

        int k = tree.OutputNames.Count;
        var result = new double[rows.RowCount * k];
        foreach (var (offset, width) in _offsets)
        {
            RunBatches(rows, allowExtraColumns, batchSize, [offset.Tensor], requireOffsets: true, (start, count, outputs) =>
            {
                var values = ToDoubles(outputs[0]);
                if (values.Length != count * width)
                {
                    throw new InvalidOperationException($"ONNX Runtime returned {values.Length} values of the offset '{offset.Tensor}' for {count} rows of {width} columns");
                }

                for (int r = 0; r < count; r++)
                {
                    for (int o = 0; o < k; o++)
                    {
                        result[((start + r) * k) + o] += offset.Coefficients[o] * values[(r * width) + offset.Columns[o]];
                    }
                }
            });
        }

        return result;
    }

    /// <summary>
    /// Compares the parsed model (<see cref="TreeModel"/> or <see cref="LinearModel"/>) with ONNX Runtime on <paramref name="rows"/>:
    /// evaluates <c>Link(margin)</c> in double, the margin being <c>TreeModel.Ensemble.Evaluate(columns) + offset</c> (the
    /// offset from <see cref="ComputeOffsets"/>) or <c>LinearModel.Evaluate(columns)</c>, and <see cref="RunServedOutput"/>,
    /// and reports the largest difference. Use it before explaining: the post-transform is applied as the ONNX attribute
    /// states, and a runtime that serves something else (casebook C05) shows up here as a disagreement.
    /// </summary>
    /// <param name="rows">Raw rows.</param>
    /// <param name="relative">Relative tolerance (1e-5 suits float32 outputs of moderate ensembles; casebook C27 gives
    /// <c>trees * 2^-23 * sum|leaf|</c> for large ones).</param>
    /// <param name="absolute">Absolute tolerance added to the relative one.</param>
    /// <exception cref="InvalidOperationException">The model has neither <see cref="TreeModel"/> nor <see cref="LinearModel"/>.</exception>
    /// <exception cref="InputException">As for <see cref="ComputeColumns"/>.</exception>
    public RuntimeAgreement VerifyAgainstRuntime(FeatureTable rows, double relative = 1e-5, double absolute = 1e-7)
    {
        var margins = ComputeMargins(rows, allowExtraColumns: true, DefaultBatchSize, null);
        var served = RunServedOutput(rows, allowExtraColumns: true);
        var link = TreeModel?.Link ?? LinearModel!.Link;
        var names = TreeModel?.OutputNames ?? LinearModel!.OutputNames;
        int k = names.Count;
        var ours = new double[k];
        double worst = 0, worstOurs = double.NaN, worstRuntime = double.NaN;
        int worstRow = -1, worstOutput = -1;
        bool agrees = true;
        for (int r = 0; r < rows.RowCount; r++)
        {
            Link.Apply(link, margins.AsSpan(r * k, k), ours);
            for (int o = 0; o < k; o++)
            {
                double runtime = served[(r * k) + o];
                double error = Math.Abs(ours[o] - runtime);
                if (double.IsNaN(error) ? ours[o].CompareTo(runtime) != 0 : error > (relative * Math.Max(Math.Abs(ours[o]), Math.Abs(runtime))) + absolute)
                {
                    agrees = false;
                }

                if (worstRow < 0 || error > worst || double.IsNaN(error))
                {
                    (worst, worstRow, worstOutput, worstOurs, worstRuntime) = (error, r, o, ours[o], runtime);
                }
            }
        }

        return new RuntimeAgreement(rows.RowCount, worst, worstRow, worstOutput < 0 ? null : names[worstOutput], worstOurs, worstRuntime, agrees);
    }

    /// <summary>
    /// The served model as a black-box <see cref="IBatchModel"/> over numeric raw features (<see cref="BlackBoxInputNames"/>:
    /// <see cref="RawFeatureNames"/>, then <see cref="OffsetColumnNames"/> when the model adds a per-row offset, so that a
    /// model-agnostic explainer treats the offset as one more input, casebook C11 (ii); missing is NaN) with the served
    /// outputs. Thread-safe. A model with text inputs needs a codec: <see cref="AsBatchModel(RawFeatureCodec, OutputSpace, int, string?)"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A feature input is text.</exception>
    public OnnxBlackBox AsBatchModel()
    {
        var text = Inputs.Where(i => (i.IsFeature || i.IsOffset) && i.ElementType == OnnxElementType.String).Select(i => $"'{i.Name}'").ToList();
        if (text.Count > 0)
        {
            throw new InvalidOperationException(
                $"feature input(s) {string.Join(", ", text)} are text; a numeric batch model cannot feed them: build a {nameof(RawFeatureCodec)} and pass it");
        }

        return AsBatchModel(RawFeatureCodec.For(this));
    }

    /// <summary>
    /// Names of the inputs of a black box over this model (<see cref="AsBatchModel(RawFeatureCodec, OutputSpace, int, string?)"/>),
    /// <c>[inputs]</c>: <see cref="RawFeatureNames"/>, then <see cref="OffsetColumnNames"/> (a per-row offset is one more
    /// input to a model-agnostic explainer, casebook C11 (ii)).
    /// </summary>
    public IReadOnlyList<string> BlackBoxInputNames => [.. RawFeatureNames, .. OffsetColumnNames];

    /// <summary>
    /// The model as a black box for model-agnostic explainers, over any graph (trees, linear models, neural networks) and
    /// text inputs: rows are <see cref="BlackBoxInputNames"/> encoded by <paramref name="codec"/>; outputs are the served
    /// values or, where a tree ensemble or linear model was parsed, its margin. See <see cref="OnnxBlackBox"/>.
    /// </summary>
    /// <param name="codec">Encodes raw features; its features must be exactly <see cref="BlackBoxInputNames"/> (any order);
    /// build it with <see cref="RawFeatureCodec.For"/>.</param>
    /// <param name="space"><see cref="OutputSpace.Probability"/> for ONNX Runtime's served values, <see cref="OutputSpace.Margin"/>
    /// for the parsed model's margin.</param>
    /// <param name="maxRowsPerRun">Most rows per ONNX Runtime call.</param>
    /// <param name="outputName">The graph output to serve (probability space only); null for the parsed model's served output,
    /// or else the first ZipMap output, or else the first float tensor output.</param>
    /// <exception cref="InputException">The codec's features are not the model's black-box inputs.</exception>
    /// <exception cref="InvalidOperationException">Margin space for a model without a parsed tree ensemble or linear model.</exception>
    /// <exception cref="ArgumentException"><paramref name="outputName"/> is not a graph output, or is given with margin space.</exception>
    /// <exception cref="UnsupportedModelException">No graph output holds scores (a float tensor or a ZipMap).</exception>
    public OnnxBlackBox AsBatchModel(RawFeatureCodec codec, OutputSpace space = OutputSpace.Probability, int maxRowsPerRun = DefaultBatchSize, string? outputName = null) =>
        new(this, codec, space, maxRowsPerRun, outputName);

    /// <summary>The raw columns (indices into all inputs' columns) each column of <paramref name="tensor"/> depends on, or null when unknown.</summary>
    internal int[][]? DependenciesOf(string tensor) => _dependencies.Of(tensor);

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _session.Dispose();

    private int ProbeWidth(string tensor)
    {
        var names = Inputs.SelectMany(i => i.ColumnNames).ToArray();
        var cells = Inputs.SelectMany(i => i.ColumnNames.Select(_ => i.ElementType == OnnxElementType.String ? FeatureValue.Of("") : FeatureValue.Of(0.0))).ToArray();
        int width = 0;
        RunBatches(new FeatureTable(names, cells), true, 1, [tensor], requireOffsets: false, (_, _, outputs) => width = ToDoubles(outputs[0]).Length);
        return width;
    }

    private (int Width, bool IsDouble) ProbeColumns()
    {
        var names = Inputs.SelectMany(i => i.ColumnNames).ToArray();
        var cells = Inputs.SelectMany(i => i.ColumnNames.Select(_ => i.ElementType == OnnxElementType.String ? FeatureValue.Of("") : FeatureValue.Of(0.0))).ToArray();
        var probe = new FeatureTable(names, cells);
        int width = 0;
        bool isDouble = false;
        RunBatches(probe, true, 1, [_columnsOutput!], requireOffsets: false, (_, _, outputs) =>
        {
            var value = outputs[0].Value;
            if (value is not (Tensor<float> or Tensor<double>))
            {
                throw new UnsupportedModelException($"the {_scorerKind} input '{_columnsOutput}' is not a float or double tensor");
            }

            width = ToDoubles(outputs[0]).Length;
            isDouble = value is Tensor<double>;
        });
        return (width, isDouble);
    }

    private (FeatureMap Map, HashSet<string> FeatureInputs, string Source) MapColumns(string tensor, int width, IReadOnlyList<OnnxInput> inputs)
    {
        string source = "dataflow";
        var allNames = inputs.SelectMany(i => i.ColumnNames).ToArray();
        var owner = inputs.SelectMany(i => i.ColumnNames.Select(_ => i.Name)).ToArray();
        int[][] deps;
        if (_dependencies.Of(tensor) is { } known && known.Length == width)
        {
            deps = known;
        }
        else
        {
            var union = _dependencies.Union(tensor);
            string why = _dependencies.Of(tensor) is { } k
                ? $"the analysis found {k.Length} columns where ONNX Runtime has {width}"
                : _dependencies.WhyUnknown(tensor) ?? "its layout is unknown";
            var kind = inputs.SelectMany(i => i.ColumnNames.Select(_ => i.ElementType)).ToArray();
            if (union.Length == 1)
            {
                deps = Enumerable.Repeat(union, width).ToArray();
            }
            else if (union.Length > 1 && union.All(c => kind[c] is OnnxElementType.Float or OnnxElementType.Double))
            {
                deps = PerturbationDependencies(union, allNames, width);
                source = "perturbation";
            }
            else
            {
                throw new UnsupportedModelException(
                    $"the columns of the {_scorerKind} input '{tensor}' cannot be mapped to raw inputs ({why}); together they depend on {string.Join(", ", union.Select(c => $"'{allNames[c]}'"))}");
            }
        }

        var featureInputs = deps.SelectMany(d => d).Select(c => owner[c]).ToHashSet();
        var rawToFeature = new int[allNames.Length];
        var featureNames = new List<string>();
        for (int c = 0; c < allNames.Length; c++)
        {
            rawToFeature[c] = featureInputs.Contains(owner[c]) ? featureNames.Count : -1;
            if (rawToFeature[c] >= 0)
            {
                featureNames.Add(allNames[c]);
            }
        }

        var columnToFeature = new int[width];
        for (int c = 0; c < width; c++)
        {
            if (deps[c].Length > 1)
            {
                throw new UnsupportedModelException(
                    $"column {c} of the {_scorerKind} input '{tensor}' depends on several raw inputs ({string.Join(", ", deps[c].Select(d => $"'{allNames[d]}'"))}); each column must come from exactly one raw input");
            }

            columnToFeature[c] = deps[c].Length == 0 ? -1 : rawToFeature[deps[c][0]];
        }

        return (new FeatureMap(featureNames, columnToFeature), featureInputs, source);
    }

    /// <summary>
    /// Where the dataflow analysis cannot follow an op, finds which numeric raw columns each ensemble column responds to
    /// by running ONNX Runtime on a neutral row and on copies with one raw column changed to a few probe values.
    /// A column that responds to none is taken as constant.
    /// </summary>
    private int[][] PerturbationDependencies(int[] rawColumns, string[] allNames, int width)
    {
        double[] probes = [0.7310585786, -3.25, 1234.5];
        var neutral = Inputs.SelectMany(i => i.ColumnNames.Select(_ => i.ElementType == OnnxElementType.String ? FeatureValue.Of("") : FeatureValue.Of(0.0))).ToArray();
        var cells = new List<FeatureValue>(neutral);
        foreach (int c in rawColumns)
        {
            foreach (double p in probes)
            {
                var row = (FeatureValue[])neutral.Clone();
                row[c] = FeatureValue.Of(p);
                cells.AddRange(row);
            }
        }

        var table = new FeatureTable(allNames, [.. cells]);
        var columns = new double[table.RowCount * width];
        RunBatches(table, true, DefaultBatchSize, [_columnsOutput!], requireOffsets: false, (start, count, outputs) => ToDoubles(outputs[0]).CopyTo(columns, start * width));
        var deps = new List<int>[width];
        for (int j = 0; j < width; j++)
        {
            deps[j] = [];
            for (int k = 0; k < rawColumns.Length; k++)
            {
                for (int p = 0; p < probes.Length; p++)
                {
                    int row = 1 + (k * probes.Length) + p;
                    if (columns[(row * width) + j].CompareTo(columns[j]) != 0)
                    {
                        deps[j].Add(rawColumns[k]);
                        break;
                    }
                }
            }
        }

        return [.. deps.Select(d => d.ToArray())];
    }

    private void RunBatches(FeatureTable rows, bool allowExtraColumns, int batchSize, string[] outputs, bool requireOffsets,
        Action<int, int, IReadOnlyList<NamedOnnxValue>> consume, Action<int>? onRun = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var plan = _binder.Resolve(rows, allowExtraColumns, requireOffsets);
        for (int start = 0; start < rows.RowCount; start += batchSize)
        {
            int count = Math.Min(batchSize, rows.RowCount - start);
            var feeds = _binder.Bind(rows, plan, start, count);
            // A requested value that is a graph input (an ensemble reading the input directly) is the feed itself.
            var direct = outputs.Select(o => feeds.FirstOrDefault(f => f.Name == o)).ToArray();
            var computed = outputs.Where((_, i) => direct[i] is null).ToArray();
            if (computed.Length == 0)
            {
                consume(start, count, direct!);
                continue;
            }

            using var results = _session.Run(feeds, computed);
            onRun?.Invoke(count);
            consume(start, count, [.. outputs.Select((o, i) => direct[i] ?? (NamedOnnxValue)results.First(r => r.Name == o))]);
        }
    }

    private static double[] ToDoubles(NamedOnnxValue value) => value.Value switch
    {
        Tensor<float> t => t.Select(v => (double)v).ToArray(),
        Tensor<double> t => [.. t],
        Tensor<long> t => t.Select(v => (double)v).ToArray(),
        Tensor<int> t => t.Select(v => (double)v).ToArray(),
        _ => throw new UnsupportedModelException($"output '{value.Name}' is not a numeric tensor"),
    };

    private static Dictionary<string, double> ToDictionary(object value) => value switch
    {
        IDictionary<long, float> d => d.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => (double)p.Value),
        IDictionary<string, float> d => d.ToDictionary(p => p.Key, p => (double)p.Value),
        IDictionary<long, double> d => d.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value),
        IDictionary<string, double> d => d.ToDictionary(p => p.Key, p => p.Value),
        _ => throw new UnsupportedModelException($"a ZipMap element is a {value.GetType().Name}, not a map of class label to score"),
    };

    /// <summary>Class labels of every ZipMap output (followed through Identity nodes), by tensor name, in the ZipMap's order.</summary>
    private static Dictionary<string, string[]> ZipMapKeysByOutput(GraphProto graph)
    {
        var keys = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "ZipMap"))
        {
            var strings = OnnxAttributes.Strings(node, "classlabels_strings");
            keys[node.Output[0]] = strings.Length > 0
                ? strings
                : [.. OnnxAttributes.Ints(node, "classlabels_int64s").Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        }

        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var node in graph.Node.Where(n => n.OpType == "Identity" && n.Input.Count == 1 && keys.ContainsKey(n.Input[0])))
            {
                grew |= keys.TryAdd(node.Output[0], keys[node.Input[0]]);
            }
        }

        return keys;
    }

    private static List<OnnxInput> DescribeInputs(GraphProto graph, IReadOnlyList<string>? featureNames)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        var result = new List<OnnxInput>();
        var pending = new List<(ValueInfoProto Info, OnnxElementType Type, long[] Shape, long Width)>();
        foreach (var info in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            var tensor = info.Type?.TensorType;
            var type = (TensorProto.Types.DataType)(tensor?.ElemType ?? 0) switch
            {
                TensorProto.Types.DataType.Float => OnnxElementType.Float,
                TensorProto.Types.DataType.Double => OnnxElementType.Double,
                TensorProto.Types.DataType.Int64 => OnnxElementType.Int64,
                TensorProto.Types.DataType.Int32 => OnnxElementType.Int32,
                TensorProto.Types.DataType.String => OnnxElementType.String,
                _ => OnnxElementType.Unsupported,
            };
            var shape = tensor?.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue : -1).ToArray() ?? [];
            long width = shape.Length <= 1 ? 1 : shape[^1];
            pending.Add((info, type, shape, width));
        }

        int matrixCount = pending.Count(p => p.Width != 1);
        int staticMatrixWidth = pending.Where(p => p.Width > 1).Sum(p => (int)p.Width);
        int dynamicMatrices = pending.Count(p => p.Width < 0);
        if (featureNames is not null && dynamicMatrices > 1)
        {
            throw new InputException("the model has several matrix inputs of dynamic width; their column names cannot be assigned");
        }

        int next = 0;
        foreach (var (info, type, shape, width) in pending)
        {
            string[] names;
            bool perColumn = width == 1;
            if (perColumn)
            {
                names = [info.Name];
            }
            else if (featureNames is not null)
            {
                int w = width > 0 ? (int)width : featureNames.Count - staticMatrixWidth;
                if (w <= 0 || next + w > featureNames.Count)
                {
                    throw new InputException(info.Name, ColumnCountMessage(info.Name, width, featureNames, matrixCount));
                }

                names = [.. featureNames.Skip(next).Take(w)];
                next += w;
            }
            else if (width > 0)
            {
                names = Enumerable.Range(0, (int)width).Select(c => $"{info.Name}[{c}]").ToArray();
            }
            else
            {
                throw new InputException(info.Name, $"model input '{info.Name}' has a dynamic number of columns; pass the feature names");
            }

            result.Add(new OnnxInput(info.Name, type, shape, perColumn, names, IsFeature: true));
        }

        if (featureNames is not null && matrixCount > 0 && next != featureNames.Count)
        {
            throw new InputException(
                featureNames[next],
                $"{featureNames.Count} feature names were given, but the matrix inputs have {next} columns; unknown column(s): {string.Join(", ", featureNames.Skip(next).Select(MessageText.Quote))}");
        }

        var duplicate = result.SelectMany(i => i.ColumnNames).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InputException(duplicate.Key, $"the raw column name {MessageText.Quote(duplicate.Key)} is used twice");
        }

        return result;
    }

    private static TreeEnsemble SelectOutputs(TreeEnsemble e, int[] outputs)
    {
        if (outputs.Length == e.OutputCount && outputs.Select((o, i) => o == i).All(b => b))
        {
            return e;
        }

        int k = outputs.Length;
        var leaves = new double[e.NodeCount * k];
        for (int n = 0; n < e.NodeCount; n++)
        {
            for (int o = 0; o < k; o++)
            {
                leaves[(n * k) + o] = e.LeafValues[(n * e.OutputCount) + outputs[o]];
            }
        }

        return new TreeEnsemble(e.FeatureCount, k, e.TreeRoots, e.Feature, e.Threshold, e.Mode, e.TrueChild, e.FalseChild,
            e.MissingTracksTrue, leaves, [.. outputs.Select(o => e.BaseValues[o])], e.MemberSets, e.Covers, e.CoversSource);
    }

    /// <summary>Why the column names do not fit a matrix input: its width, how many names the input's header gave (and
    /// which, when few), and a hint when the one name holds ';' (a semicolon-separated file read as one column).</summary>
    private static string ColumnCountMessage(string input, long width, IReadOnlyList<string> names, int matrixCount)
    {
        string columns = width > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{width} columns") : "a dynamic number of columns";
        string given = names.Count == 1 ? "1 column name was given" : $"{names.Count} column names were given";
        string which = names.Count is > 0 and <= 10 ? $" ({string.Join(", ", names.Select(MessageText.Quote))})" : "";
        string inputs = matrixCount == 1 ? "" : $" for {matrixCount} matrix inputs";
        string hint = names.Count == 1 && names[0].Contains(';', StringComparison.Ordinal)
            ? "; the file looks semicolon-separated, and the input must be comma-separated"
            : "";
        return $"model input '{input}' has {columns}; {given}{which}{inputs}{hint}";
    }
}
