using System.Buffers.Binary;
using System.Text;
using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Graph;

/// <summary>Reads node attributes and tensor constants of an ONNX graph.</summary>
internal static class OnnxAttributes
{
    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long[] Ints(NodeProto node, string name) => Find(node, name)?.Ints.ToArray() ?? [];

    public static float[] Floats(NodeProto node, string name) => Find(node, name)?.Floats.ToArray() ?? [];

    public static string[] Strings(NodeProto node, string name) =>
        Find(node, name)?.Strings.Select(s => s.ToStringUtf8()).ToArray() ?? [];

    public static long? Int(NodeProto node, string name) => Find(node, name) is { } a && a.HasI ? a.I : null;

    public static string? String(NodeProto node, string name) => Find(node, name) is { } a && a.HasS ? a.S.ToStringUtf8() : null;

    public static TensorProto? Tensor(NodeProto node, string name) => Find(node, name) is { } a && a.T is { } t ? t : null;

    /// <summary>The values of a numeric tensor as doubles (exact for float, double and integers up to 2^53).</summary>
    /// <exception cref="UnsupportedModelException">The tensor's element type is not numeric.</exception>
    public static double[] ToDoubles(TensorProto t)
    {
        var type = (TensorProto.Types.DataType)t.DataType;
        var raw = t.RawData.Span;
        bool hasRaw = t.HasRawData && raw.Length > 0;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                if (hasRaw)
                {
                    var v = new double[raw.Length / 4];
                    for (int i = 0; i < v.Length; i++)
                    {
                        v[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
                    }

                    return v;
                }

                return t.FloatData.Select(f => (double)f).ToArray();
            case TensorProto.Types.DataType.Double:
                if (hasRaw)
                {
                    var v = new double[raw.Length / 8];
                    for (int i = 0; i < v.Length; i++)
                    {
                        v[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8, 8));
                    }

                    return v;
                }

                return [.. t.DoubleData];
            case TensorProto.Types.DataType.Int64:
                return ToLongs(t).Select(x => (double)x).ToArray();
            case TensorProto.Types.DataType.Int32:
            case TensorProto.Types.DataType.Int16:
            case TensorProto.Types.DataType.Int8:
            case TensorProto.Types.DataType.Uint8:
            case TensorProto.Types.DataType.Uint16:
            case TensorProto.Types.DataType.Bool:
                return ToLongs(t).Select(x => (double)x).ToArray();
            default:
                throw new UnsupportedModelException($"tensor '{t.Name}' has element type {type}; a numeric tensor (float, double, integer) was expected");
        }
    }

    /// <summary>The values of an integer tensor.</summary>
    public static long[] ToLongs(TensorProto t)
    {
        var type = (TensorProto.Types.DataType)t.DataType;
        var raw = t.RawData.Span;
        bool hasRaw = t.HasRawData && raw.Length > 0;
        if (!hasRaw)
        {
            return type == TensorProto.Types.DataType.Int64 ? [.. t.Int64Data] : t.Int32Data.Select(x => (long)x).ToArray();
        }

        return type switch
        {
            TensorProto.Types.DataType.Int64 => Enumerable.Range(0, raw.Length / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(t.RawData.Span.Slice(i * 8, 8))).ToArray(),
            TensorProto.Types.DataType.Int32 => Enumerable.Range(0, raw.Length / 4).Select(i => (long)BinaryPrimitives.ReadInt32LittleEndian(t.RawData.Span.Slice(i * 4, 4))).ToArray(),
            TensorProto.Types.DataType.Int16 => Enumerable.Range(0, raw.Length / 2).Select(i => (long)BinaryPrimitives.ReadInt16LittleEndian(t.RawData.Span.Slice(i * 2, 2))).ToArray(),
            TensorProto.Types.DataType.Uint16 => Enumerable.Range(0, raw.Length / 2).Select(i => (long)BinaryPrimitives.ReadUInt16LittleEndian(t.RawData.Span.Slice(i * 2, 2))).ToArray(),
            TensorProto.Types.DataType.Int8 => raw.ToArray().Select(b => (long)(sbyte)b).ToArray(),
            TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Bool => raw.ToArray().Select(b => (long)b).ToArray(),
            _ => throw new UnsupportedModelException($"tensor '{t.Name}' has element type {type}; an integer tensor was expected"),
        };
    }

    /// <summary>The values of a string tensor.</summary>
    public static string[] ToStrings(TensorProto t) => t.StringData.Select(s => Encoding.UTF8.GetString(s.Span)).ToArray();
}
