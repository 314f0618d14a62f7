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
