using Explainability.Core.Explanations;
using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Graph;

/// <summary>
/// Follows the ensemble's score tensor forward to the graph outputs, folding constant affine ops (Mul, Add, Sub, Div
/// by a constant) into the margin, taking Sigmoid / Softmax / Exp as the link, passing through shape and type ops and
/// ZipMap, and ignoring label branches (ArgMax, Binarizer, LabelEncoder, ...).
/// </summary>
internal sealed class ServedOutputTracer
{
    private static readonly HashSet<string> PassThrough = ["Identity", "Cast", "Reshape", "Squeeze", "Unsqueeze", "Flatten", "Dropout"];
    private static readonly HashSet<string> LabelBranches = ["ArgMax", "ArgMin", "Binarizer", "LabelEncoder", "TopK", "Greater", "Less", "Equal", "ArrayFeatureExtractor"];

    private readonly Dictionary<string, List<NodeProto>> _consumers = [];
    private readonly Dictionary<string, TensorProto> _constants = [];
    private readonly HashSet<string> _outputs;

    public ServedOutputTracer(GraphProto graph)
    {
        _outputs = [.. graph.Output.Select(o => o.Name)];
        foreach (var init in graph.Initializer)
        {
            _constants.TryAdd(init.Name, init);
        }

        foreach (var node in graph.Node)
        {
            if (node.OpType == "Constant" && OnnxAttributes.Tensor(node, "value") is { } value)
            {
                _constants.TryAdd(node.Output[0], value);
            }

            foreach (var input in node.Input.Distinct())
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    /// <summary>Problems met on the way (ops that end a path), for the reason given when no path is found.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Every supported path from <paramref name="scoreTensor"/> to a graph output.</summary>
    /// <param name="scoreTensor">The ensemble's score output.</param>
    /// <param name="scoreColumns">Column of the score tensor per explained ensemble output.</param>
    /// <param name="scoreWidth">Columns of the score tensor.</param>
    /// <param name="postTransform">The ensemble's own post_transform.</param>
    public List<ServedPath> Trace(string scoreTensor, int[] scoreColumns, int scoreWidth, LinkFunction postTransform)
    {
        int k = scoreColumns.Length;
        var found = new List<ServedPath>();
        var start = new State(scoreTensor, Enumerable.Range(0, k).ToArray(), scoreColumns, scoreWidth, null,
            Enumerable.Repeat(1.0, k).ToArray(), new double[k], postTransform, 0);
        Walk(start, found);
        return found;
    }

    private void Walk(State s, List<ServedPath> found)
    {
        if (_outputs.Contains(s.Tensor))
        {
            found.Add(new ServedPath(s.Tensor, s.EnsembleOutputs, s.Columns, s.ZipMapKeys, s.Scale, s.Offset, s.Link, s.Steps));
        }

        if (s.Steps > 64 || !_consumers.TryGetValue(s.Tensor, out var consumers))
        {
            return;
        }

        foreach (var node in consumers)
        {
            if (Step(s, node) is { } next)
            {
                Walk(next, found);
            }
        }
    }

    private State? Step(State s, NodeProto node)
    {
        string op = node.OpType;
        string where = $"{op} node '{node.Name}'";
        if (s.ZipMapKeys is not null && op != "Identity")
        {
            Problems.Add($"{where} after ZipMap is not followed");
            return null;
        }

        if (PassThrough.Contains(op))
        {
            return s with { Tensor = node.Output[0], Steps = s.Steps + 1 };
        }

        if (op == "ZipMap")
        {
            var strings = OnnxAttributes.Strings(node, "classlabels_strings");
            var keys = strings.Length > 0
                ? strings
                : OnnxAttributes.Ints(node, "classlabels_int64s").Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (s.Columns.Any(c => c >= keys.Length))
            {
                Problems.Add($"{where} has {keys.Length} labels for {s.Width} columns");
                return null;
            }

            return s with { Tensor = node.Output[0], ZipMapKeys = s.Columns.Select(c => keys[c]).ToArray(), Steps = s.Steps + 1 };
        }

        if (op is "Mul" or "Add" or "Sub" or "Div" && node.Input.Count == 2)
        {
            int self = node.Input[0] == s.Tensor ? 0 : 1;
            string other = node.Input[1 - self];
            if (!_constants.TryGetValue(other, out var constant))
            {
                Problems.Add($"{where} combines the score with '{other}', which is not a constant");
                return null;
            }

            if (s.Link != LinkFunction.Identity)
            {
                Problems.Add($"{where} applies an affine map after the {s.Link} link, which cannot be folded into the margin");
                return null;
            }

            var c = OnnxAttributes.ToDoubles(constant);
            if (c.Length != 1 && c.Length != s.Width)
            {
                Problems.Add($"{where}: constant '{other}' has {c.Length} values for {s.Width} columns");
                return null;
            }

            var scale = (double[])s.Scale.Clone();
            var offset = (double[])s.Offset.Clone();
            for (int o = 0; o < scale.Length; o++)
            {
                double v = c.Length == 1 ? c[0] : c[s.Columns[o]];
                switch (op)
                {
                    case "Mul":
                        scale[o] *= v;
                        offset[o] *= v;
                        break;
                    case "Add":
                        offset[o] += v;
                        break;
                    case "Sub" when self == 0:
                        offset[o] -= v;
                        break;
                    case "Sub":
                        scale[o] = -scale[o];
                        offset[o] = v - offset[o];
                        break;
                    case "Div" when self == 0:
                        scale[o] /= v;
                        offset[o] /= v;
                        break;
                    default:
                        Problems.Add($"{where} divides a constant by the score, which is not affine");
                        return null;
                }
            }

            return s with { Tensor = node.Output[0], Scale = scale, Offset = offset, Steps = s.Steps + 1 };
        }

        if (op is "Sigmoid" or "Exp" or "Softmax")
        {
            if (s.Link != LinkFunction.Identity)
            {
                Problems.Add($"{where} applies a second link after {s.Link}");
                return null;
            }

            if (op == "Softmax")
            {
                long axis = OnnxAttributes.Int(node, "axis") ?? -1;
                if (axis is not (-1 or 1) || s.Columns.Length != s.Width || s.Columns.Where((c, i) => c != i).Any())
                {
                    Problems.Add($"{where} is not a softmax over exactly the explained outputs");
                    return null;
                }
            }

            var link = op switch { "Sigmoid" => LinkFunction.Logistic, "Exp" => LinkFunction.Exp, _ => LinkFunction.Softmax };
            return s with { Tensor = node.Output[0], Link = link, Steps = s.Steps + 1 };
        }

        if (op is "Gather" or "ArrayFeatureExtractor" && node.Input.Count == 2 && node.Input[0] == s.Tensor
            && _constants.TryGetValue(node.Input[1], out var indexTensor)
            && (op == "ArrayFeatureExtractor" || OnnxAttributes.Int(node, "axis") is 1 or -1))
        {
            var indices = OnnxAttributes.ToLongs(indexTensor).Select(i => (int)(i < 0 ? i + s.Width : i)).ToArray();
            var keep = new List<int>();
            var columns = new List<int>();
            for (int j = 0; j < indices.Length; j++)
            {
                int o = Array.IndexOf(s.Columns, indices[j]);
                if (o < 0)
                {
                    Problems.Add($"{where} selects column {indices[j]}, which is not an explained output");
                    return null;
                }

                keep.Add(o);
                columns.Add(j);
            }

            if (s.Link is LinkFunction.Softmax or LinkFunction.SoftmaxZero && keep.Count != s.EnsembleOutputs.Length)
            {
                Problems.Add($"{where} keeps some outputs of a softmax; the softmax needs all of them");
                return null;
            }

            return new State(node.Output[0], [.. keep.Select(o => s.EnsembleOutputs[o])], [.. columns], indices.Length, null,
                [.. keep.Select(o => s.Scale[o])], [.. keep.Select(o => s.Offset[o])], s.Link, s.Steps + 1);
        }

        if (LabelBranches.Contains(op))
        {
            return null;
        }

        Problems.Add($"{where} after the ensemble is not supported");
        return null;
    }

    private sealed record State(
        string Tensor,
        int[] EnsembleOutputs,
        int[] Columns,
        int Width,
        string[]? ZipMapKeys,
        double[] Scale,
        double[] Offset,
        LinkFunction Link,
        int Steps);
}
