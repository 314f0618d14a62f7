using Explainability.Onnx.Proto;
using Explainability.Onnx.Tests.Support;
using Google.Protobuf;

namespace Explainability.Onnx.Tests;

/// <summary>The onnx.proto subset reads real files with the official field numbers and keeps what it does not declare.</summary>
public class ProtoTests
{
    [Fact]
    public void Real_model_file_parses_with_the_official_field_numbers()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(RuntimeCheck.Fixture("skl2onnx_rf_iris_multiclass", "rf_iris.onnx")));
        Assert.Equal(7, model.IrVersion);
        Assert.Equal("skl2onnx", model.ProducerName);
        Assert.Contains(model.OpsetImport, o => o.Domain == "ai.onnx.ml" && o.Version == 1);
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal("float_input", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal(4, input.Type.TensorType.Shape.Dim[1].DimValue);
        var trees = Assert.Single(model.Graph.Node, n => n.OpType == "TreeEnsembleClassifier");
        Assert.Equal("ai.onnx.ml", trees.Domain);
        var modes = trees.Attribute.Single(a => a.Name == "nodes_modes");
        Assert.Equal(AttributeProto.Types.AttributeType.Strings, modes.Type);
        Assert.Equal(1244, modes.Strings.Count);
        Assert.Equal(1244, trees.Attribute.Single(a => a.Name == "nodes_values").Floats.Count);
        var zip = model.Graph.Output.Single(o => o.Name == "output_probability");
        Assert.Equal((int)TensorProto.Types.DataType.Int64, zip.Type.SequenceType.ElemType.MapType.KeyType);
    }

    [Fact]
    public void Fields_outside_the_subset_survive_a_parse_and_serialize_round_trip()
    {
        var original = File.ReadAllBytes(RuntimeCheck.Fixture("moose_xgboost_regressor", "xgboost_regressor.onnx"));
        using var stream = new MemoryStream();
        stream.Write(original);
        var extra = new CodedOutputStream(stream);
        extra.WriteTag(25, WireFormat.WireType.LengthDelimited); // ModelProto.functions, not declared here
        extra.WriteBytes(ByteString.CopyFrom(0x0A, 0x01, 0x66));
        extra.Flush();
        var bytes = stream.ToArray();

        var model = ModelProto.Parser.ParseFrom(bytes);
        Assert.Equal(bytes, model.ToByteArray());
    }
}
