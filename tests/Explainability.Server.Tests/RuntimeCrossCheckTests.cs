using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Onnx.Proto;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Google.Protobuf;

namespace Explainability.Server.Tests;

public sealed class RuntimeCrossCheckTests
{
    /// <summary>
    /// Casebook C05b: a single-target TreeEnsembleRegressor with post_transform LOGISTIC. The reader applies the logistic
    /// link, ONNX Runtime 1.31 serves the raw margin (10 for x = [1, 1]): explaining would explain a number never served.
    /// </summary>
    [Fact]
    public void Explain_refuses_a_model_whose_served_output_disagrees_with_the_parsed_ensemble()
    {
        string path = Path.Combine(Path.GetTempPath(), $"c05b-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, LogisticRegressorGraph());
        try
        {
            using var model = LoadedModel.Load(path, ["f0", "f1"]);
            var rows = new FeatureTable(["f0", "f1"], [FeatureValue.Of(-1), FeatureValue.Of(-1), FeatureValue.Of(1), FeatureValue.Of(1)]);

            var e = Assert.Throws<RuntimeDisagreementException>(() =>
                ExplanationService.Explain(model, rows, new ExplainOptions(MethodNames.TreePathDependent), backgroundOverride: rows));

            // Row 0: margin 2 - 2 = 0, logistic 0.5; the runtime serves the raw margin 0. Worst relative to its tolerance:
            // 1e-5 * 0 + 1e-7 + (1/4) * 2 trees * 2^-23 * (|base 0| + |2| + |-2|) = 1e-7 + 2.38e-7 = 3.38e-7.
            Assert.StartsWith("the explained model disagrees with ONNX Runtime: row 0, output '0': Link(margin) = 0.5, ONNX Runtime serves 0,", e.Message);
            Assert.True(e.Message.Contains("difference 0.5 exceeds the tolerance 3.38E-07", StringComparison.Ordinal), e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Explain_accepts_the_shipped_models_on_their_whole_background()
    {
        foreach (string id in new[] { "credit-risk", "card-fraud" })
        {
            using var model = LoadedModel.Load(Path.Combine(ServerFixture.ModelsDirectory, id));
            foreach (var method in new[] { TreeShapMethod.PathDependent, TreeShapMethod.Interventional })
            {
                var outcome = ExplanationService.Explain(model, model.Background!, new ExplainOptions(MethodNames.Of(method), AllowExtraColumns: true));
                Assert.True(outcome.RuntimeMaxAbsoluteError < RuntimeCrossCheck.RelativeTolerance, $"{id}: {outcome.RuntimeMaxAbsoluteError}");
            }
        }
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    private static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    private static ValueInfoProto Tensor(string name, long columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    // Two stumps: x0 <= 0 ? 2 : 6 and x1 <= 0 ? -2 : 4, summed, LOGISTIC, one target.
    private static byte[] LogisticRegressorGraph()
    {
        var node = new NodeProto { OpType = "TreeEnsembleRegressor", Domain = "ai.onnx.ml", Name = "ensemble" };
        node.Input.Add("X");
        node.Output.Add("Y");
        node.Attribute.Add(Ints("nodes_treeids", 0, 0, 0, 1, 1, 1));
        node.Attribute.Add(Ints("nodes_nodeids", 0, 1, 2, 0, 1, 2));
        node.Attribute.Add(Ints("nodes_featureids", 0, 0, 0, 1, 0, 0));
        node.Attribute.Add(Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF"));
        node.Attribute.Add(Floats("nodes_values", 0, 0, 0, 0, 0, 0));
        node.Attribute.Add(Ints("nodes_truenodeids", 1, 0, 0, 1, 0, 0));
        node.Attribute.Add(Ints("nodes_falsenodeids", 2, 0, 0, 2, 0, 0));
        node.Attribute.Add(Ints("nodes_missing_value_tracks_true", 0, 0, 0, 0, 0, 0));
        node.Attribute.Add(Floats("nodes_hitrates", 1, 1, 1, 1, 1, 1));
        node.Attribute.Add(Ints("target_treeids", 0, 0, 1, 1));
        node.Attribute.Add(Ints("target_nodeids", 1, 2, 1, 2));
        node.Attribute.Add(Ints("target_ids", 0, 0, 0, 0));
        node.Attribute.Add(Floats("target_weights", 2, 6, -2, 4));
        node.Attribute.Add(new AttributeProto { Name = "n_targets", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        node.Attribute.Add(new AttributeProto { Name = "post_transform", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("LOGISTIC") });
        node.Attribute.Add(new AttributeProto { Name = "aggregate_function", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("SUM") });
        var graph = new GraphProto { Name = "c05b" };
        graph.Node.Add(node);
        graph.Input.Add(Tensor("X", 2));
        graph.Output.Add(Tensor("Y", 1));
        var model = new ModelProto { IrVersion = 8, ProducerName = "Explainability.Server.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 15 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 3 });
        return model.ToByteArray();
    }
}
