using Explainability.Onnx.Tests.Support;
using static Explainability.Onnx.Tests.Support.Graphs;

namespace Explainability.Onnx.Tests;

/// <summary>Ops the dataflow analysis does not know: numeric inputs are mapped by probing ONNX Runtime.</summary>
public class PerturbationMappingTests
{
    private static byte[] MatMulModel(double[] matrix)
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0.5, 1, 2).Stump(1, 1, "BRANCH_LEQ", 0.5, 10, 20);
        var w = new Proto.TensorProto { Name = "w", DataType = (int)F32, Dims = { 2, 2 } };
        w.FloatData.AddRange(matrix.Select(v => (float)v));
        return Model([Node("MatMul", ["X", "w"], ["features"]), trees.Regressor("features", "Y")],
            [Tensor("X", F32, -1, 2)], [Tensor("Y", F32, -1, 1)], [w]);
    }

    [Fact]
    public void Permutation_through_an_unknown_op_is_mapped_by_probing_the_runtime()
    {
        using var model = OnnxModel.Load(MatMulModel([0, 1, 1, 0]), ["a", "b"]);
        var tree = model.TreeModel!;
        Assert.Equal("perturbation", tree.ColumnMappingSource);
        Assert.Equal([1, 0], tree.FeatureMap.ColumnToFeature);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(["a", "b"], RuntimeCheck.WithNaN([0, 1], [1, 0], [0.3, 0.7])));
    }

    [Fact]
    public void Mixing_through_an_unknown_op_is_refused_as_several_raw_inputs()
    {
        using var model = OnnxModel.Load(MatMulModel([1, 1, 0, 1]), ["a", "b"]);
        Assert.Null(model.TreeModel);
        Assert.Contains("depends on several raw inputs ('a', 'b')", model.TreeModelUnavailableReason, StringComparison.Ordinal);
    }
}
