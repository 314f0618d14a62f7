using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Graph;

/// <summary>
/// A dataflow analysis over an ONNX graph: for every tensor, per column of a row (the elements of one batch row in
/// row-major order), the set of raw input columns it depends on. Known preprocessing ops (Cast, Scaler, Imputer,
/// Normalizer, OneHotEncoder, LabelEncoder, Concat, FeatureVectorizer, Reshape, ...) are followed exactly; an op
/// it does not know makes every output column depend on all columns of all its inputs, and its width unknown.
/// </summary>
internal sealed class ColumnDependencies
{
    private static readonly HashSet<string> Elementwise =
    [
        "Identity", "Cast", "CastLike", "Scaler", "Imputer", "Binarizer", "LabelEncoder", "Abs", "Neg", "Relu", "Sigmoid", "Exp", "Log",
        "Sqrt", "Floor", "Ceil", "Round", "Clip", "IsNaN", "IsInf", "Not", "Sign", "Tanh", "Reciprocal", "Dropout",
    ];

    private static readonly HashSet<string> Broadcast =
    [
        "Add", "Sub", "Mul", "Div", "Pow", "Min", "Max", "Greater", "Less", "Equal", "GreaterOrEqual", "LessOrEqual", "And", "Or", "Where", "Mod",
    ];

    private static readonly HashSet<string> SameLayout = ["Reshape", "Flatten", "Squeeze", "Unsqueeze"];

    private readonly Dictionary<string, int[][]?> _deps = [];
    private readonly Dictionary<string, string> _opaqueBecause = [];
    private readonly HashSet<string> _constants;
    private readonly Dictionary<string, TensorProto> _initializers;

    /// <summary>Runs the analysis.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="inputColumns">Raw column indices of each graph input, by input name (<c>[width]</c> each).</param>
    public ColumnDependencies(GraphProto graph, IReadOnlyDictionary<string, int[]> inputColumns)
    {
        _constants = [.. graph.Initializer.Select(i => i.Name)];
        _initializers = graph.Initializer.GroupBy(i => i.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var (name, columns) in inputColumns)
        {
            _deps[name] = columns.Select(c => new[] { c }).ToArray();
        }

        foreach (var init in graph.Initializer)
        {
            _deps.TryAdd(init.Name, null);
        }

        foreach (var node in graph.Node)
        {
            if (node.OpType == "Constant")
            {
                foreach (var o in node.Output)
                {
                    _constants.Add(o);
                }

                continue;
            }

            Propagate(node);
        }
    }

    /// <summary>Per column of <paramref name="tensor"/>, the raw columns it depends on; null when the layout is unknown.</summary>
    public int[][]? Of(string tensor) => _deps.TryGetValue(tensor, out var d) ? d : null;

    /// <summary>Why <paramref name="tensor"/>'s layout is unknown (the op that stopped the analysis), or null.</summary>
    public string? WhyUnknown(string tensor) => _opaqueBecause.GetValueOrDefault(tensor);

    /// <summary>All raw columns <paramref name="tensor"/> depends on, known layout or not.</summary>
    public int[] Union(string tensor) => _union.TryGetValue(tensor, out var u) ? u : (Of(tensor)?.SelectMany(c => c).Distinct().Order().ToArray() ?? []);

    private readonly Dictionary<string, int[]> _union = [];

    private bool IsConstant(string name) => name.Length == 0 || _constants.Contains(name);

    private int[][]? Known(string name) => _deps.GetValueOrDefault(name);

    private void Propagate(NodeProto node)
    {
        var inputs = node.Input.Where(i => i.Length > 0).ToList();
        var dynamicInputs = inputs.Where(i => !IsConstant(i)).ToList();
        int[][]? result = null;
        bool handled = true;
        string op = node.OpType;
        if (dynamicInputs.Count == 0)
        {
            foreach (var o in node.Output)
            {
                _constants.Add(o);
            }

            return;
        }

        if (Elementwise.Contains(op) || SameLayout.Contains(op))
        {
            result = IsConstant(node.Input[0]) ? null : Known(node.Input[0]);
            handled = result is not null || IsConstant(node.Input[0]);
        }
        else if (Broadcast.Contains(op))
        {
            if (dynamicInputs.Count == 1)
            {
                result = Known(dynamicInputs[0]);
            }
            else
            {
                var layouts = dynamicInputs.Select(Known).ToList();
                if (layouts.All(l => l is not null) && layouts.Select(l => l!.Length).Distinct().Count() == 1)
                {
                    result = Enumerable.Range(0, layouts[0]!.Length)
                        .Select(c => layouts.SelectMany(l => l![c]).Distinct().Order().ToArray()).ToArray();
                }
            }

            handled = result is not null;
        }
        else if (op is "Concat" or "FeatureVectorizer")
        {
            long axis = OnnxAttributes.Int(node, "axis") ?? 1;
            var layouts = inputs.Select(i => IsConstant(i) ? null : Known(i)).ToList();
            // Rows are flattened, so a concat on any non-batch axis is a concat of the flattened rows when the
            // dimensions between the batch and that axis are 1, as in the [N, 1, K] one-hot tensors converters emit.
            if ((op == "FeatureVectorizer" || axis != 0) && layouts.All(l => l is not null))
            {
                result = layouts.SelectMany(l => l!).ToArray();
            }

            handled = result is not null;
        }
        else if (op == "OneHotEncoder")
        {
            int k = Math.Max(OnnxAttributes.Ints(node, "cats_int64s").Length, OnnxAttributes.Strings(node, "cats_strings").Length);
            if (Known(node.Input[0]) is { } layout)
            {
                result = layout.SelectMany(c => Enumerable.Repeat(c, k)).ToArray();
            }

            handled = result is not null;
        }
        else if (op == "Normalizer")
        {
            if (Known(node.Input[0]) is { } layout)
            {
                var all = layout.SelectMany(c => c).Distinct().Order().ToArray();
                result = layout.Select(_ => all).ToArray();
            }

            handled = result is not null;
        }
        else if (op is "ArrayFeatureExtractor" or "Gather" && node.Input.Count == 2 && _initializers.TryGetValue(node.Input[1], out var indexTensor)
            && (op == "ArrayFeatureExtractor" || OnnxAttributes.Int(node, "axis") is 1 or -1) && Known(node.Input[0]) is { } source)
        {
            var indices = OnnxAttributes.ToLongs(indexTensor);
            if (indices.All(i => i >= -source.Length && i < source.Length))
            {
                result = indices.Select(i => source[i < 0 ? i + source.Length : i]).ToArray();
            }

            handled = result is not null;
        }
        else
        {
            handled = false;
        }

        if (handled)
        {
            foreach (var o in node.Output)
            {
                _deps[o] = result;
            }

            return;
        }

        var union = dynamicInputs.SelectMany(Union).Distinct().Order().ToArray();
        string because = dynamicInputs.Select(WhyUnknown).FirstOrDefault(w => w is not null)
            ?? $"{op} node '{node.Name}' is not followed column by column";
        foreach (var o in node.Output)
        {
            _deps[o] = null;
            _union[o] = union;
            _opaqueBecause[o] = because;
        }
    }
}
