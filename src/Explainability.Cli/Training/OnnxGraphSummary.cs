using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace Explainability.Cli.Training;

/// <summary>
/// A human-readable summary of an ONNX model's graph: inputs, nodes in order, outputs, opsets. Read straight from the
/// protobuf wire format (ModelProto field numbers of onnx.proto), so it needs no generated types; it is for
/// documentation and tests, not for evaluating the model.
/// </summary>
internal sealed record OnnxGraphSummary(
    string Producer,
    IReadOnlyList<string> Opsets,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxNodeInfo> Nodes,
    IReadOnlyList<OnnxValueInfo> Outputs,
    IReadOnlyList<OnnxInitializerInfo> Initializers)
{
    private static readonly string[] ElemTypes =
        ["UNDEFINED", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool", "float16", "double", "uint32", "uint64"];

    /// <summary>Parses the serialized ModelProto in <paramref name="model"/>.</summary>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a protobuf message.</exception>
    public static OnnxGraphSummary Read(byte[] model)
    {
        string producer = "";
        var opsets = new List<string>();
        var inputs = new List<OnnxValueInfo>();
        var nodes = new List<OnnxNodeInfo>();
        var outputs = new List<OnnxValueInfo>();
        var initializers = new List<OnnxInitializerInfo>();
        string producerName = "", producerVersion = "";
        foreach (var (field, value) in Fields(ByteString.CopyFrom(model)))
        {
            switch (field)
            {
                case 2: producerName = value.String; break;
                case 3: producerVersion = value.String; break;
                case 8:
                    string domain = "";
                    long version = 0;
                    foreach (var (f, v) in Fields(value.Bytes))
                    {
                        if (f == 1) { domain = v.String; }
                        else if (f == 2) { version = v.Varint; }
                    }

                    opsets.Add(string.Create(CultureInfo.InvariantCulture, $"{(domain.Length == 0 ? "ai.onnx" : domain)} {version}"));
                    break;
                case 7:
                    foreach (var (f, v) in Fields(value.Bytes))
                    {
                        switch (f)
                        {
                            case 1: nodes.Add(ReadNode(v.Bytes)); break;
                            case 5: initializers.Add(ReadInitializer(v.Bytes)); break;
                            case 11: inputs.Add(ReadValueInfo(v.Bytes)); break;
                            case 12: outputs.Add(ReadValueInfo(v.Bytes)); break;
                            default: break;
                        }
                    }

                    break;
                default: break;
            }
        }

        producer = $"{producerName} {producerVersion}".Trim();
        return new OnnxGraphSummary(producer, opsets, inputs, nodes, outputs, initializers);
    }

    /// <summary>The summary as Markdown: an inputs table, the node list in graph order, an outputs table.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Invariant($"Producer: `{Producer}`; opsets: {string.Join(", ", Opsets.Select(o => $"`{o}`"))}; initializers: {Initializers.Count} (listed after the nodes)."));
        sb.AppendLine();
        sb.AppendLine(Invariant($"Inputs ({Inputs.Count}):"));
        sb.AppendLine();
        sb.AppendLine("| name | type | shape |");
        sb.AppendLine("| --- | --- | --- |");
        foreach (var i in Inputs)
        {
            sb.AppendLine(Invariant($"| `{i.Name}` | {i.Type} | {i.Shape} |"));
        }

        sb.AppendLine();
        sb.AppendLine(Invariant($"Nodes ({Nodes.Count}) in graph order; op-type counts: {string.Join(", ", Nodes.GroupBy(n => n.QualifiedOpType).Select(g => $"{g.Key} x{g.Count()}"))}."));
        sb.AppendLine();
        sb.AppendLine("| # | op type | name | inputs | outputs | attributes |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        for (int k = 0; k < Nodes.Count; k++)
        {
            var n = Nodes[k];
            sb.AppendLine(Invariant(
                $"| {k} | {n.QualifiedOpType} | `{n.Name}` | {Code(n.Inputs)} | {Code(n.Outputs)} | {string.Join("; ", n.Attributes).Replace("|", "\\|", StringComparison.Ordinal)} |"));
        }

        sb.AppendLine();
        if (Initializers.Count > 0)
        {
            sb.AppendLine(Invariant($"Initializers ({Initializers.Count}):"));
            sb.AppendLine();
            sb.AppendLine("| name | type | dims | values |");
            sb.AppendLine("| --- | --- | --- | --- |");
            foreach (var i in Initializers)
            {
                sb.AppendLine(Invariant($"| `{i.Name}` | {i.Type} | {i.Dims} | {i.Values} |"));
            }

            sb.AppendLine();
        }

        sb.AppendLine(Invariant($"Outputs ({Outputs.Count}):"));
        sb.AppendLine();
        sb.AppendLine("| name | type | shape |");
        sb.AppendLine("| --- | --- | --- |");
        foreach (var o in Outputs)
        {
            sb.AppendLine(Invariant($"| `{o.Name}` | {o.Type} | {o.Shape} |"));
        }

        return sb.ToString();

        static string Code(IEnumerable<string> names) => string.Join(", ", names.Select(s => $"`{s}`"));
    }

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);

    private static OnnxNodeInfo ReadNode(ByteString bytes)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<string>();
        string name = "", opType = "", domain = "";
        foreach (var (f, v) in Fields(bytes))
        {
            switch (f)
            {
                case 1: inputs.Add(v.String); break;
                case 2: outputs.Add(v.String); break;
                case 3: name = v.String; break;
                case 4: opType = v.String; break;
                case 5: attributes.Add(ReadAttribute(v.Bytes)); break;
                case 7: domain = v.String; break;
                default: break;
            }
        }

        return new OnnxNodeInfo(name, domain, opType, inputs, outputs, attributes);
    }

    /// <summary>One attribute as <c>name=value</c>; lists show their length, a few leading values and, for tree
    /// ids, the number of distinct values (the number of trees).</summary>
    private static string ReadAttribute(ByteString bytes)
    {
        string name = "";
        var scalar = new List<string>();
        var ints = new List<long>();
        var floats = new List<float>();
        var strings = new List<string>();
        bool hasGraphOrTensor = false;
        long type = 0;
        foreach (var (f, v) in Fields(bytes))
        {
            switch (f)
            {
                case 1: name = v.String; break;
                case 20: type = v.Varint; break;
                case 2: scalar.Add(BitConverter.Int32BitsToSingle((int)v.Fixed32).ToString("R", CultureInfo.InvariantCulture)); break;
                case 3: scalar.Add(v.Varint.ToString(CultureInfo.InvariantCulture)); break;
                case 4: scalar.Add("\"" + v.String + "\""); break;
                case 5 or 6: hasGraphOrTensor = true; break;
                case 7: floats.AddRange(v.IsPacked ? Packed(v.Bytes, fixed32: true).Select(u => BitConverter.Int32BitsToSingle((int)u)) : [BitConverter.Int32BitsToSingle((int)v.Fixed32)]); break;
                case 8: ints.AddRange(v.IsPacked ? Packed(v.Bytes, fixed32: false).Select(u => (long)u) : [v.Varint]); break;
                case 9: strings.Add(v.String); break;
                default: break;
            }
        }

        if (scalar.Count > 0)
        {
            return $"{name}={scalar[0]}";
        }

        // proto3 writers (ML.NET) omit a scalar equal to its default, leaving only the attribute type.
        switch (type)
        {
            case 1: return $"{name}=0 (float, default)";
            case 2: return $"{name}=0 (int, default)";
            case 3: return $"{name}=\"\" (string, default)";
            default: break;
        }

        if (hasGraphOrTensor)
        {
            return $"{name}=<tensor>";
        }

        const int Shown = 6;
        if (ints.Count > 0)
        {
            string distinct = name.Contains("treeids", StringComparison.Ordinal) || name == "tree_roots"
                ? Invariant($", {ints.Distinct().Count()} distinct")
                : "";
            return Invariant($"{name}=[{ints.Count}{distinct}: {string.Join(",", ints.Take(Shown))}{(ints.Count > Shown ? ",..." : "")}]");
        }

        if (floats.Count > 0)
        {
            return Invariant($"{name}=[{floats.Count}: {string.Join(",", floats.Take(Shown).Select(x => x.ToString("R", CultureInfo.InvariantCulture)))}{(floats.Count > Shown ? ",..." : "")}]");
        }

        if (strings.Count > 0)
        {
            return Invariant($"{name}=[{strings.Count}: {string.Join(",", strings.Take(Shown).Select(s => $"\"{s}\""))}{(strings.Count > Shown ? ",..." : "")}]");
        }

        return $"{name}=[]";
    }

    /// <summary>A TensorProto initializer: name (8), dims (1), data_type (2), float_data (4), int64_data (7), raw_data (9).</summary>
    private static OnnxInitializerInfo ReadInitializer(ByteString bytes)
    {
        string name = "";
        var dims = new List<long>();
        long dataType = 0;
        var values = new List<string>();
        foreach (var (f, v) in Fields(bytes))
        {
            switch (f)
            {
                case 1: dims.AddRange(v.IsPacked ? Packed(v.Bytes, fixed32: false).Select(u => (long)u) : [v.Varint]); break;
                case 2: dataType = v.Varint; break;
                case 4: values.AddRange((v.IsPacked ? Packed(v.Bytes, fixed32: true) : [v.Fixed32]).Select(u => BitConverter.Int32BitsToSingle((int)u).ToString("R", CultureInfo.InvariantCulture))); break;
                case 7: values.AddRange((v.IsPacked ? Packed(v.Bytes, fixed32: false) : [(ulong)v.Varint]).Select(u => ((long)u).ToString(CultureInfo.InvariantCulture))); break;
                case 8: name = v.String; break;
                case 9 when dataType == 1:
                    var raw = v.Bytes.ToByteArray();
                    for (int k = 0; k + 4 <= raw.Length; k += 4)
                    {
                        values.Add(BitConverter.ToSingle(raw, k).ToString("R", CultureInfo.InvariantCulture));
                    }

                    break;
                default: break;
            }
        }

        string type = dataType >= 0 && dataType < ElemTypes.Length ? ElemTypes[dataType] : dataType.ToString(CultureInfo.InvariantCulture);
        return new OnnxInitializerInfo(name, type, "[" + string.Join(", ", dims) + "]", "[" + string.Join(", ", values.Take(6)) + (values.Count > 6 ? ", ..." : "") + "]");
    }

    private static OnnxValueInfo ReadValueInfo(ByteString bytes)
    {
        string name = "", type = "?", shape = "";
        foreach (var (f, v) in Fields(bytes))
        {
            if (f == 1)
            {
                name = v.String;
            }
            else if (f == 2)
            {
                (type, shape) = ReadType(v.Bytes);
            }
        }

        return new OnnxValueInfo(name, type, shape);
    }

    private static (string Type, string Shape) ReadType(ByteString bytes)
    {
        foreach (var (f, v) in Fields(bytes))
        {
            switch (f)
            {
                case 1: // tensor_type
                    string elem = "?", shape = "";
                    foreach (var (tf, tv) in Fields(v.Bytes))
                    {
                        if (tf == 1)
                        {
                            elem = tv.Varint >= 0 && tv.Varint < ElemTypes.Length ? ElemTypes[tv.Varint] : tv.Varint.ToString(CultureInfo.InvariantCulture);
                        }
                        else if (tf == 2)
                        {
                            shape = ReadShape(tv.Bytes);
                        }
                    }

                    return ($"tensor({elem})", shape);
                case 4: // sequence_type
                    foreach (var (sf, sv) in Fields(v.Bytes))
                    {
                        if (sf == 1)
                        {
                            return ($"seq({ReadType(sv.Bytes).Type})", "");
                        }
                    }

                    return ("seq(?)", "");
                case 5: // map_type
                    string key = "?", value = "?";
                    foreach (var (mf, mv) in Fields(v.Bytes))
                    {
                        if (mf == 1)
                        {
                            key = mv.Varint >= 0 && mv.Varint < ElemTypes.Length ? ElemTypes[mv.Varint] : "?";
                        }
                        else if (mf == 2)
                        {
                            value = ReadType(mv.Bytes).Type;
                        }
                    }

                    return ($"map({key},{value})", "");
                default: break;
            }
        }

        return ("?", "");
    }

    private static string ReadShape(ByteString bytes)
    {
        var dims = new List<string>();
        foreach (var (f, v) in Fields(bytes))
        {
            if (f != 1)
            {
                continue;
            }

            string dim = "?";
            foreach (var (df, dv) in Fields(v.Bytes))
            {
                if (df == 1)
                {
                    dim = dv.Varint.ToString(CultureInfo.InvariantCulture);
                }
                else if (df == 2)
                {
                    dim = dv.String;
                }
            }

            dims.Add(dim);
        }

        return "[" + string.Join(", ", dims) + "]";
    }

    private static List<ulong> Packed(ByteString bytes, bool fixed32)
    {
        var input = bytes.CreateCodedInput();
        var values = new List<ulong>();
        while (!input.IsAtEnd)
        {
            values.Add(fixed32 ? input.ReadFixed32() : input.ReadUInt64());
        }

        return values;
    }

    private static List<(int Field, WireValue Value)> Fields(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var fields = new List<(int, WireValue)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint: fields.Add((field, new WireValue((long)input.ReadUInt64(), 0, ByteString.Empty, false))); break;
                case WireFormat.WireType.Fixed32: fields.Add((field, new WireValue(0, input.ReadFixed32(), ByteString.Empty, false))); break;
                case WireFormat.WireType.LengthDelimited: fields.Add((field, new WireValue(0, 0, input.ReadBytes(), true))); break;
                default: input.SkipLastField(); break;
            }
        }

        return fields;
    }

    private readonly record struct WireValue(long Varint, uint Fixed32, ByteString Bytes, bool IsPacked)
    {
        public string String => Bytes.ToStringUtf8();
    }
}
