using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Graph;

/// <summary>
/// The categories a graph knows for its per-column text inputs, read from the encoders that consume them: the
/// <c>cats_strings</c> of <c>OneHotEncoder</c> and <c>CategoryMapper</c>, the <c>keys_strings</c> of <c>LabelEncoder</c>.
/// </summary>
/// <remarks>
/// An encoder with <c>handle_unknown='ignore'</c> (skl2onnx's <c>zeros=1</c>) turns any other text into all zeros, so a
/// typo would be explained as a real input without a word. With these categories a model without a card refuses it, as
/// a card's categories do. An input is constrained only when every node that reads it (through shape-only ops) is such an
/// encoder; an input any other op reads keeps no list.
/// </remarks>
internal static class InputCategories
{
    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal) { "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze" };

    /// <summary>Raw column name -> the categories its encoders know (union, in graph order), for per-column text inputs.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Read(GraphProto graph, IReadOnlyList<OnnxInput> inputs)
    {
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var name in node.Input.Where(n => n.Length > 0).Distinct())
            {
                if (!consumers.TryGetValue(name, out var list))
                {
                    consumers[name] = list = [];
                }

                list.Add(node);
            }
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var input in inputs.Where(i => i.IsPerColumn && i.ElementType == OnnxElementType.String))
        {
            var known = new List<string>();
            if (Collect(input.Name, consumers, known, depth: 0) && known.Count > 0)
            {
                result[input.ColumnNames[0]] = known.Distinct(StringComparer.Ordinal).ToList();
            }
        }

        return result;
    }

    /// <summary>Adds the categories of every encoder reading <paramref name="value"/>; false when some other op reads it.</summary>
    private static bool Collect(string value, Dictionary<string, List<NodeProto>> consumers, List<string> known, int depth)
    {
        // A value nothing reads (or a graph output) is not constrained by an encoder.
        if (depth > 8 || !consumers.TryGetValue(value, out var readers))
        {
            return false;
        }

        foreach (var node in readers)
        {
            string[] categories = node.OpType switch
            {
                "OneHotEncoder" or "CategoryMapper" => OnnxAttributes.Strings(node, "cats_strings"),
                "LabelEncoder" => OnnxAttributes.Strings(node, "keys_strings"),
                _ => [],
            };
            if (categories.Length > 0)
            {
                known.AddRange(categories);
            }
            else if (!PassThrough.Contains(node.OpType) || node.Input[0] != value || node.Output.Count != 1
                || !Collect(node.Output[0], consumers, known, depth + 1))
            {
                return false;
            }
        }

        return true;
    }
}
