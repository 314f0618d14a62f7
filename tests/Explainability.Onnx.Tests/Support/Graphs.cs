using Explainability.Onnx.Proto;
using Google.Protobuf;

namespace Explainability.Onnx.Tests.Support;

/// <summary>Builds small ONNX graphs with the generated proto types, for tests that run them through ONNX Runtime.</summary>
internal static class Graphs
{
    public const TensorProto.Types.DataType F32 = TensorProto.Types.DataType.Float;
    public const TensorProto.Types.DataType F64 = TensorProto.Types.DataType.Double;
    public const TensorProto.Types.DataType I64 = TensorProto.Types.DataType.Int64;
    public const TensorProto.Types.DataType Utf8 = TensorProto.Types.DataType.String;

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params double[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values.Select(v => (float)v));
        return a;
    }

    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Str(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Tensor(string name, TensorProto value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static TensorProto DoubleTensor(string name, params double[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)F64 };
        t.Dims.Add(values.Length);
        t.DoubleData.AddRange(values);
        return t;
    }

    public static TensorProto FloatTensor(string name, params double[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)F32 };
        t.Dims.Add(values.Length);
        t.FloatData.AddRange(values.Select(v => (float)v));
        return t;
    }

    public static TensorProto ScalarFloat(string name, double value)
    {
        var t = new TensorProto { Name = name, DataType = (int)F32 };
        t.FloatData.Add((float)value);
        return t;
    }

    public static TensorProto Uint8Tensor(string name, params byte[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Uint8, RawData = ByteString.CopyFrom(values) };
        t.Dims.Add(values.Length);
        return t;
    }

    public static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>A value info for ZipMap's output: sequence of maps from the key type to float.</summary>
    public static ValueInfoProto SeqMap(string name, TensorProto.Types.DataType keyType) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            SequenceType = new TypeProto.Types.Sequence
            {
                ElemType = new TypeProto
                {
                    MapType = new TypeProto.Types.Map
                    {
                        KeyType = (int)keyType,
                        ValueType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)F32 } },
                    },
                },
            },
        },
    };

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes) => Node(op, "", inputs, outputs, attributes);

    public static NodeProto MlNode(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes) => Node(op, "ai.onnx.ml", inputs, outputs, attributes);

    private static NodeProto Node(string op, string domain, string[] inputs, string[] outputs, AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Domain = domain, Name = op + "_" + outputs[0] };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    /// <summary>A model over <paramref name="nodes"/> with ai.onnx opset 15 and the given ai.onnx.ml opset.</summary>
    public static byte[] Model(IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs,
        IEnumerable<TensorProto>? initializers = null, int mlOpset = 3)
    {
        var g = new GraphProto { Name = "test" };
        g.Node.AddRange(nodes);
        g.Input.AddRange(inputs);
        g.Output.AddRange(outputs);
        g.Initializer.AddRange(initializers ?? []);
        var m = new ModelProto { IrVersion = mlOpset >= 5 ? 10 : 8, ProducerName = "Explainability.Onnx.Tests", Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = mlOpset >= 5 ? 21 : 15 });
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = mlOpset });
        return m.ToByteArray();
    }
}

/// <summary>
/// Collects ai.onnx.ml opset 1-3 tree attributes node by node. Node ids are per tree; branch thresholds are stored as
/// float <c>nodes_values</c> or, with <c>asTensor</c>, as the double tensor <c>nodes_values_as_tensor</c>.
/// </summary>
internal sealed class V3Trees
{
    private readonly List<long> _tree = [], _id = [], _feature = [], _true = [], _false = [], _missing = [];
    private readonly List<string> _mode = [];
    private readonly List<double> _value = [];
    private readonly List<long> _leafTree = [], _leafNode = [], _leafTarget = [];
    private readonly List<double> _weight = [];

    public V3Trees Branch(long tree, long id, long feature, string mode, double threshold, long yes, long no, bool nanYes = false)
    {
        _tree.Add(tree);
        _id.Add(id);
        _feature.Add(feature);
        _mode.Add(mode);
        _value.Add(threshold);
        _true.Add(yes);
        _false.Add(no);
        _missing.Add(nanYes ? 1 : 0);
        return this;
    }

    public V3Trees Leaf(long tree, long id, params (long Target, double Weight)[] weights)
    {
        _tree.Add(tree);
        _id.Add(id);
        _feature.Add(0);
        _mode.Add("LEAF");
        _value.Add(0);
        _true.Add(0);
        _false.Add(0);
        _missing.Add(0);
        foreach (var (target, w) in weights)
        {
            _leafTree.Add(tree);
            _leafNode.Add(id);
            _leafTarget.Add(target);
            _weight.Add(w);
        }

        return this;
    }

    /// <summary>A stump <c>x[feature] MODE t ? yes : no</c> as tree <paramref name="tree"/>.</summary>
    public V3Trees Stump(long tree, long feature, string mode, double threshold, double yes, double no, bool nanYes = false, long target = 0) =>
        Branch(tree, 0, feature, mode, threshold, 1, 2, nanYes).Leaf(tree, 1, (target, yes)).Leaf(tree, 2, (target, no));

    public List<AttributeProto> NodeAttributes(bool asTensor)
    {
        var list = new List<AttributeProto>
        {
            Graphs.Ints("nodes_treeids", [.. _tree]),
            Graphs.Ints("nodes_nodeids", [.. _id]),
            Graphs.Ints("nodes_featureids", [.. _feature]),
            Graphs.Strings("nodes_modes", [.. _mode]),
            Graphs.Ints("nodes_truenodeids", [.. _true]),
            Graphs.Ints("nodes_falsenodeids", [.. _false]),
            Graphs.Ints("nodes_missing_value_tracks_true", [.. _missing]),
            Graphs.Floats("nodes_hitrates", [.. _tree.Select(_ => 1.0)]),
            asTensor ? Graphs.Tensor("nodes_values_as_tensor", Graphs.DoubleTensor("", [.. _value])) : Graphs.Floats("nodes_values", [.. _value]),
        };
        return list;
    }

    public NodeProto Regressor(string input, string output, int targets = 1, bool asTensor = false, double[]? baseValues = null,
        string post = "NONE", string aggregate = "SUM")
    {
        var attrs = NodeAttributes(asTensor);
        attrs.Add(Graphs.Ints("target_treeids", [.. _leafTree]));
        attrs.Add(Graphs.Ints("target_nodeids", [.. _leafNode]));
        attrs.Add(Graphs.Ints("target_ids", [.. _leafTarget]));
        attrs.Add(asTensor ? Graphs.Tensor("target_weights_as_tensor", Graphs.DoubleTensor("", [.. _weight])) : Graphs.Floats("target_weights", [.. _weight]));
        attrs.Add(Graphs.Int("n_targets", targets));
        attrs.Add(Graphs.Str("post_transform", post));
        attrs.Add(Graphs.Str("aggregate_function", aggregate));
        if (baseValues is not null)
        {
            attrs.Add(asTensor ? Graphs.Tensor("base_values_as_tensor", Graphs.DoubleTensor("", baseValues)) : Graphs.Floats("base_values", baseValues));
        }

        return Graphs.MlNode("TreeEnsembleRegressor", [input], [output], [.. attrs]);
    }

    public NodeProto Classifier(string input, string label, string scores, long[]? intLabels = null, string[]? stringLabels = null,
        bool asTensor = false, double[]? baseValues = null, string post = "NONE")
    {
        var attrs = NodeAttributes(asTensor);
        attrs.Add(Graphs.Ints("class_treeids", [.. _leafTree]));
        attrs.Add(Graphs.Ints("class_nodeids", [.. _leafNode]));
        attrs.Add(Graphs.Ints("class_ids", [.. _leafTarget]));
        attrs.Add(asTensor ? Graphs.Tensor("class_weights_as_tensor", Graphs.DoubleTensor("", [.. _weight])) : Graphs.Floats("class_weights", [.. _weight]));
        attrs.Add(stringLabels is not null ? Graphs.Strings("classlabels_strings", stringLabels) : Graphs.Ints("classlabels_int64s", intLabels ?? [0, 1]));
        attrs.Add(Graphs.Str("post_transform", post));
        if (baseValues is not null)
        {
            attrs.Add(asTensor ? Graphs.Tensor("base_values_as_tensor", Graphs.DoubleTensor("", baseValues)) : Graphs.Floats("base_values", baseValues));
        }

        return Graphs.MlNode("TreeEnsembleClassifier", [input], [label, scores], [.. attrs]);
    }
}
