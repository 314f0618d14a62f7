using Explainability.Core.Explanations;
using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Graph;

/// <summary>
/// Follows the score tensor of the model node (a tree ensemble or a linear model) forward to the graph outputs, folding constant affine ops (Mul, Add, Sub, Div
/// by a constant) into the margin, recording per-row offsets (Add / Sub of a tensor computed from graph inputs the
/// ensemble does not read, casebook C11) as separate terms, taking Sigmoid / Softmax / Exp as the link, passing through
/// shape and type ops and ZipMap, passing an L1 Normalizer over scores that already sum to 1 (skl2onnx's binary
/// LinearClassifier), and ignoring label branches (ArgMax, Binarizer, LabelEncoder, ...).
/// </summary>
internal sealed class ServedOutputTracer
{
    private static readonly HashSet<string> PassThrough = ["Identity", "Cast", "Reshape", "Squeeze", "Unsqueeze", "Flatten", "Dropout"];
    private static readonly HashSet<string> LabelBranches = ["ArgMax", "ArgMin", "Binarizer", "LabelEncoder", "TopK", "Greater", "Less", "Equal", "ArrayFeatureExtractor"];

    private readonly Dictionary<string, List<NodeProto>> _consumers = [];
    private readonly Dictionary<string, TensorProto> _constants = [];
    private readonly HashSet<string> _outputs;
    private readonly Func<string, string?>? _offsetProblem;

    /// <summary>Prepares a trace over <paramref name="graph"/>.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="offsetProblem">Decides whether a non-constant operand of an Add / Sub on the score path is a per-row
    /// offset: returns null when it is (it depends only on graph inputs the ensemble does not read), else why not. When
    /// null, no operand is taken as an offset.</param>
    public ServedOutputTracer(GraphProto graph, Func<string, string?>? offsetProblem = null)
    {
        _offsetProblem = offsetProblem;
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

    /// <summary>
    /// The non-constant operands of Add / Sub nodes downstream of <paramref name="ensemble"/> that are not themselves
    /// downstream of it, nor graph inputs: candidates for per-row offsets, which ONNX Runtime must be asked for as extra
    /// graph outputs before the session is created (graph inputs are read from the feeds).
    /// </summary>
    public static IReadOnlyList<string> OffsetCandidates(GraphProto graph, NodeProto ensemble)
    {
        var constants = graph.Initializer.Select(i => i.Name).Concat(graph.Node.Where(n => n.OpType == "Constant").SelectMany(n => n.Output)).ToHashSet();
        var inputs = graph.Input.Select(i => i.Name).ToHashSet();
        var downstream = new HashSet<string>(ensemble.Output);
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var node in graph.Node.Where(n => n.Input.Any(downstream.Contains)))
            {
                foreach (var output in node.Output)
                {
                    grew |= downstream.Add(output);
                }
            }
        }

        return
        [
            .. graph.Node
                .Where(n => n.OpType is "Add" or "Sub" && n.Input.Count == 2 && n.Input.Any(downstream.Contains))
                .SelectMany(n => n.Input)
                .Where(t => !downstream.Contains(t) && !constants.Contains(t) && !inputs.Contains(t) && t.Length > 0)
                .Distinct(),
        ];
    }

    /// <summary>Problems met on the way (ops that end a path), for the reason given when no path is found.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Every supported path from <paramref name="scoreTensor"/> to a graph output.</summary>
    /// <param name="scoreTensor">The ensemble's score output.</param>
    /// <param name="scoreColumns">Column of the score tensor per explained ensemble output.</param>
    /// <param name="scoreWidth">Columns of the score tensor.</param>
    /// <param name="postTransform">The ensemble's own post_transform.</param>
    /// <param name="scoresSumToOne">Whether every row of the score tensor sums to 1 (known from the model node's
    /// parameters), so that an L1 Normalizer over it is the identity.</param>
    public List<ServedPath> Trace(string scoreTensor, int[] scoreColumns, int scoreWidth, LinkFunction postTransform, bool scoresSumToOne = false)
    {
        int k = scoreColumns.Length;
        var found = new List<ServedPath>();
        var start = new State(scoreTensor, Enumerable.Range(0, k).ToArray(), scoreColumns, scoreWidth, null,
            Enumerable.Repeat(1.0, k).ToArray(), new double[k], postTransform, 0, [], scoresSumToOne);
        Walk(start, found);
        return found;
    }

    private void Walk(State s, List<ServedPath> found)
    {
        if (_outputs.Contains(s.Tensor))
        {
            found.Add(new ServedPath(s.Tensor, s.EnsembleOutputs, s.Columns, s.ZipMapKeys, s.Scale, s.Offset, s.Link, s.Steps, s.Terms));
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
                if (op is "Mul" or "Div")
                {
                    // A per-row factor (score * exposure) is not additive: the trees' SHAP values would need rescaling per row.
                    Problems.Add($"{where} scales the score by '{other}', which is not a constant");
                    return null;
                }

                return OffsetStep(s, node, self, other, where);
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
            var factor = Enumerable.Repeat(1.0, scale.Length).ToArray();
            for (int o = 0; o < scale.Length; o++)
            {
                double v = c.Length == 1 ? c[0] : c[s.Columns[o]];
                switch (op)
                {
                    case "Mul":
                        scale[o] *= v;
                        offset[o] *= v;
                        factor[o] = v;
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
                        factor[o] = -1;
                        break;
                    case "Div" when self == 0:
                        scale[o] /= v;
                        offset[o] /= v;
                        factor[o] = 1 / v;
                        break;
                    default:
                        Problems.Add($"{where} divides a constant by the score, which is not affine");
                        return null;
                }
            }

            var terms = s.Terms.Select(t => t with { Coefficients = [.. t.Coefficients.Select((x, o) => x * factor[o])] }).ToArray();
            return s with { Tensor = node.Output[0], Scale = scale, Offset = offset, Steps = s.Steps + 1, Terms = terms, SumsToOne = false };
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
            return s with { Tensor = node.Output[0], Link = link, Steps = s.Steps + 1, SumsToOne = link == LinkFunction.Softmax };
        }

        if (op == "Normalizer")
        {
            // skl2onnx puts an L1 Normalizer after a binary LinearClassifier whose LOGISTIC scores already sum to 1; any
            // other normalisation divides by a row-dependent sum, which is neither affine nor a link.
            string norm = OnnxAttributes.String(node, "norm") ?? "MAX";
            if (norm == "L1" && s.SumsToOne)
            {
                return s with { Tensor = node.Output[0], Steps = s.Steps + 1 };
            }

            Problems.Add($"{where} ({norm}) divides the scores by a row-dependent norm; only an L1 Normalizer over scores that already sum to 1 is followed");
            return null;
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
                [.. keep.Select(o => s.Scale[o])], [.. keep.Select(o => s.Offset[o])], s.Link, s.Steps + 1,
                [.. s.Terms.Select(t => t with { Coefficients = [.. keep.Select(o => t.Coefficients[o])], Columns = [.. keep.Select(o => t.Columns[o])] })],
                s.SumsToOne && indices.Length == s.Width);
        }

        if (LabelBranches.Contains(op))
        {
            return null;
        }

        Problems.Add($"{where} after the model's scores is not supported");
        return null;
    }

    /// <summary>
    /// <c>score ± other</c> or <c>other - score</c> where <paramref name="other"/> is not a constant: a per-row offset when it
    /// depends only on graph inputs the ensemble does not read (casebook C11). It stays a separate term: folding it into the
    /// trees' base value would hide a row-dependent amount in a row-independent one.
    /// </summary>
    private State? OffsetStep(State s, NodeProto node, int self, string other, string where)
    {
        string? why = _offsetProblem is null ? "offsets are not traced" : _offsetProblem(other);
        if (why is not null)
        {
            Problems.Add($"{where} combines the score with '{other}', which is neither a constant nor a per-row offset ({why})");
            return null;
        }

        if (s.Link != LinkFunction.Identity)
        {
            Problems.Add($"{where} adds the offset '{other}' after the {s.Link} link, which is not additive in the margin");
            return null;
        }

        bool negateScore = node.OpType == "Sub" && self == 1;
        double sign = node.OpType == "Sub" && self == 0 ? -1 : 1;
        var terms = s.Terms.Select(t => negateScore ? t with { Coefficients = [.. t.Coefficients.Select(x => -x)] } : t).ToList();
        terms.Add(new OffsetTerm(other, [.. s.Columns.Select(_ => sign)], (int[])s.Columns.Clone(), s.Width));
        return s with
        {
            Tensor = node.Output[0],
            Scale = negateScore ? [.. s.Scale.Select(x => -x)] : s.Scale,
            Offset = negateScore ? [.. s.Offset.Select(x => -x)] : s.Offset,
            Steps = s.Steps + 1,
            Terms = [.. terms],
            SumsToOne = false,
        };
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
        int Steps,
        OffsetTerm[] Terms,
        bool SumsToOne);
}
