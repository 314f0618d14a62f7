using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Onnx.Proto;
using Explainability.Onnx.Tests.Support;
using static Explainability.Onnx.Tests.Support.Graphs;

namespace Explainability.Onnx.Tests.EndToEnd;

/// <summary>
/// Casebook C11: a per-row offset (log exposure, base_margin, init_score) fed as a graph input and added to the trees'
/// margin before the link. TreeSHAP explains the trees; the offset is a separate additive term, read per row from ONNX
/// Runtime, never hidden in the row-independent base value. Each graph is run by ONNX Runtime from the same bytes.
/// </summary>
public class PerRowOffsetTests
{
    private const double Ln3 = 1.0986122886681098;
    private static readonly double Ln3Float = (float)Ln3;
    private static readonly TreeShapMethod[] Methods = [TreeShapMethod.Interventional, TreeShapMethod.PathDependent];

    /// <summary>The C11 tree: <c>x[0] LEQ 0 -> -1 / +1</c>.</summary>
    private static NodeProto Tree(string input, string output) => new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0, -1, 1).Regressor(input, output);

    private static OnnxModel Load(IEnumerable<NodeProto> nodes, string output, ValueInfoProto? offsetInput = null, IEnumerable<TensorProto>? initializers = null) =>
        OnnxModel.Load(Model(nodes, [Tensor("X", F32, -1, 1), offsetInput ?? Tensor("offset", F32, -1, 1)], [Tensor(output, F32, -1, 1)], initializers));

    /// <summary>Explains rows <c>(X, offset)</c> with background <c>{X = -1, offset = 0}, {X = 1, offset = 0}</c> (covers 50 / 50
    /// for the path-dependent method, counted from the same rows).</summary>
    private static (Explanation Explanation, double[] Served) Explain(OnnxModel model, TreeShapMethod method, params double[][] rows)
    {
        var tree = model.TreeModel ?? throw new InvalidOperationException(model.TreeModelUnavailableReason);
        var table = RuntimeCheck.Table(["X", "offset"], rows);
        var background = model.ComputeColumns(RuntimeCheck.Table(["X", "offset"], [-1, 0], [1, 0]));
        var e = TreeShapExplainer.Explain(tree.Ensemble, tree.FeatureMap, tree.Link, tree.OutputNames, model.ComputeColumns(table), background,
            method, offsets: model.ComputeOffsets(table), offsetInputs: tree.OffsetInputs);
        var served = model.RunServedOutput(table);

        // The single-call path the service uses gives the same three arrays.
        var single = model.ComputeTreeRuntimeValues(table);
        Assert.Equal(model.ComputeColumns(table), single.Columns);
        Assert.Equal(model.ComputeOffsets(table), single.Offsets);
        Assert.Equal(served, single.Served);
        return (e, served);
    }

    private static void AssertAdditiveAndServed(Explanation e, double[] served, LinkFunction link)
    {
        var margin = new double[1];
        var linked = new double[1];
        for (int r = 0; r < e.RowCount; r++)
        {
            double sum = e.Base(r, 0) + e.Offset(r, 0);
            for (int f = 0; f < e.FeatureCount; f++)
            {
                sum += e.Phi(r, f, 0);
            }

            Assert.Equal(e.Output(r, 0), sum, 1e-9);
            Assert.Equal(0, e.AdditivityResiduals[r], 1e-9);
            margin[0] = e.Output(r, 0);
            Link.Apply(link, margin, linked);
            Assert.Equal(served[r], linked[0], 1e-6);
        }
    }

    [Fact]
    public void C11_offset_input_is_recorded_as_a_required_offset_not_a_feature()
    {
        using var model = Load([Tree("X", "score"), Node("Add", ["score", "offset"], ["Y"])], "Y");
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel);
        Assert.Equal(["X"], model.RawFeatureNames);
        Assert.Equal(["offset"], model.OffsetColumnNames);
        Assert.Equal(["offset"], tree.OffsetInputs);
        var offset = Assert.Single(tree.Offsets);
        Assert.Equal("offset", offset.Tensor);
        Assert.Equal([1.0], offset.Coefficients);
        var input = Assert.Single(model.Inputs, i => i.Name == "offset");
        Assert.True(input.IsOffset);
        Assert.False(input.IsFeature);
        Assert.Equal(0, tree.Ensemble.BaseValues[0]);

        // The trees' columns do not need the offset; the served output and the offset term do, and it never defaults to 0.
        var withoutOffset = RuntimeCheck.Table(["X"], [1.0]);
        Assert.Single(model.ComputeColumns(withoutOffset));
        var e = Assert.Throws<InputException>(() => model.RunServedOutput(withoutOffset));
        Assert.Contains("offset 'offset' is missing", e.Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => model.ComputeOffsets(withoutOffset));
    }

    [Theory]
    [InlineData(TreeShapMethod.Interventional)]
    [InlineData(TreeShapMethod.PathDependent)]
    public void C11_tree_plus_offset_base_0_phi_plus_1_offset_ln3_output_2_098612(TreeShapMethod method)
    {
        using var model = Load([Tree("X", "score"), Node("Add", ["score", "offset"], ["Y"])], "Y");
        var (e, served) = Explain(model, method, [1.0, Ln3], [-1.0, 0.5]);

        Assert.Equal(2.098612, served[0], 1e-6);
        Assert.Equal(0, e.Base(0, 0), 1e-12);
        Assert.Equal(1, e.Phi(0, 0, 0), 1e-12);
        Assert.Equal(Ln3, e.Offset(0, 0), 1e-6);
        Assert.Equal(Ln3Float, e.Offset(0, 0));
        Assert.Equal(1 + Ln3Float, e.Output(0, 0), 1e-12);
        Assert.Equal(["offset"], e.OffsetInputs);
        Assert.Equal("offset", e.Parameters["offset_inputs"]);

        // The second row: the base value is the same for every row; only the offset term moves with the row.
        Assert.Equal(e.Base(0, 0), e.Base(1, 0));
        Assert.Equal(-1, e.Phi(1, 0, 0), 1e-12);
        Assert.Equal(0.5, e.Offset(1, 0));
        AssertAdditiveAndServed(e, served, LinkFunction.Identity);
        Assert.True(model.VerifyAgainstRuntime(RuntimeCheck.Table(["X", "offset"], [1.0, Ln3], [-1.0, 0.5])).Agrees);
    }

    [Fact]
    public void Tree_minus_offset_reports_the_offset_with_its_sign()
    {
        using var model = Load([Tree("X", "score"), Node("Sub", ["score", "offset"], ["Y"])], "Y");
        Assert.Equal([-1.0], Assert.Single(model.TreeModel!.Offsets).Coefficients);
        foreach (var method in Methods)
        {
            var (e, served) = Explain(model, method, [1.0, Ln3]);
            Assert.Equal(1 - Ln3, served[0], 1e-6);
            Assert.Equal(0, e.Base(0, 0), 1e-12);
            Assert.Equal(1, e.Phi(0, 0, 0), 1e-12);
            Assert.Equal(-Ln3Float, e.Offset(0, 0));
            AssertAdditiveAndServed(e, served, LinkFunction.Identity);
        }
    }

    [Fact]
    public void Offset_minus_tree_negates_the_trees_not_the_offset()
    {
        using var model = Load([Tree("X", "score"), Node("Sub", ["offset", "score"], ["Y"])], "Y");
        var (e, served) = Explain(model, TreeShapMethod.Interventional, [1.0, Ln3]);
        Assert.Equal(Ln3 - 1, served[0], 1e-6);
        Assert.Equal(-1, e.Phi(0, 0, 0), 1e-12);
        Assert.Equal(Ln3Float, e.Offset(0, 0));
        AssertAdditiveAndServed(e, served, LinkFunction.Identity);
    }

    [Theory]
    [InlineData(TreeShapMethod.Interventional)]
    [InlineData(TreeShapMethod.PathDependent)]
    public void Logistic_link_after_the_offset_explains_the_margin_and_the_link_of_it_is_served(TreeShapMethod method)
    {
        using var model = Load([Tree("X", "score"), Node("Add", ["score", "offset"], ["margin"]), Node("Sigmoid", ["margin"], ["p"])], "p");
        Assert.Equal(LinkFunction.Logistic, model.TreeModel!.Link);
        var (e, served) = Explain(model, method, [1.0, Ln3], [-1.0, -2.0]);
        Assert.Equal(1 / (1 + Math.Exp(-(1 + Ln3))), served[0], 1e-6);
        Assert.Equal(0, e.Base(0, 0), 1e-12);
        Assert.Equal(1, e.Phi(0, 0, 0), 1e-12);
        Assert.Equal(Ln3Float, e.Offset(0, 0));
        AssertAdditiveAndServed(e, served, LinkFunction.Logistic);
    }

    [Fact]
    public void Offset_through_cast_and_reshape_with_a_scale_after_is_read_from_the_runtime()
    {
        // offset is float64 [N]; Cast to float, Reshape to [N, 1], added, then the sum is doubled: 2 * tree + 2 * offset.
        var shape = new TensorProto { Name = "shape", DataType = (int)I64 };
        shape.Dims.Add(2);
        shape.Int64Data.AddRange([-1, 1]);
        using var model = Load(
            [
                Tree("X", "score"),
                Node("Cast", ["offset"], ["offset_f"], Int("to", (long)F32)),
                Node("Reshape", ["offset_f", "shape"], ["offset_2d"]),
                Node("Add", ["score", "offset_2d"], ["sum"]),
                Node("Mul", ["sum", "two"], ["Y"]),
            ],
            "Y",
            Tensor("offset", F64, -1),
            [shape, ScalarFloat("two", 2)]);
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel, exactMatch: false);
        var offset = Assert.Single(tree.Offsets);
        Assert.Equal("offset_2d", offset.Tensor);
        Assert.Equal(["offset"], offset.Inputs);
        Assert.Equal([2.0], offset.Coefficients);
        var (e, served) = Explain(model, TreeShapMethod.Interventional, [1.0, Ln3]);
        Assert.Equal(2 * (1 + Ln3), served[0], 1e-6);
        Assert.Equal(2, e.Phi(0, 0, 0), 1e-12);
        Assert.Equal(2 * Ln3Float, e.Offset(0, 0));
        AssertAdditiveAndServed(e, served, LinkFunction.Identity);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_two_column_offset_is_read_per_output_and_a_one_column_offset_is_broadcast(int width)
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0, -1, 1, target: 0).Stump(1, 0, "BRANCH_LEQ", 0, 2, -2, target: 1);
        using var model = OnnxModel.Load(Model(
            [trees.Regressor("X", "score", targets: 2), Node("Sub", ["score", "offset"], ["Y"])],
            [Tensor("X", F32, -1, 1), Tensor("offset", F32, -1, width)],
            [Tensor("Y", F32, -1, 2)]));
        var tree = model.TreeModel ?? throw new InvalidOperationException(model.TreeModelUnavailableReason);
        string[] columns = width == 1 ? ["X", "offset"] : ["X", "offset[0]", "offset[1]"];
        Assert.Equal(columns[1..], model.OffsetColumnNames);
        double[][] rows = width == 1 ? [[1.0, 0.5], [-1.0, 0.25]] : [[1.0, 0.5, 0.25], [-1.0, -0.75, 1.5]];
        var table = RuntimeCheck.Table(columns, rows);
        var background = model.ComputeColumns(RuntimeCheck.Table(["X"], [-1.0], [1.0]), allowExtraColumns: true);
        var e = TreeShapExplainer.Explain(tree.Ensemble, tree.FeatureMap, tree.Link, tree.OutputNames, model.ComputeColumns(table), background,
            TreeShapMethod.Interventional, offsets: model.ComputeOffsets(table), offsetInputs: tree.OffsetInputs);
        var served = model.RunServedOutput(table);
        for (int r = 0; r < rows.Length; r++)
        {
            for (int o = 0; o < 2; o++)
            {
                Assert.Equal(-rows[r][width == 1 ? 1 : 1 + o], e.Offset(r, o));
                Assert.Equal(e.Output(r, o), e.Base(r, o) + e.Phi(r, 0, o) + e.Offset(r, o), 1e-9);
                Assert.Equal(served[(r * 2) + o], e.Output(r, o), 1e-6);
            }
        }
    }

    [Fact]
    public void A_tensor_the_ensemble_also_reads_is_not_taken_as_an_offset()
    {
        using var model = Load([Tree("X", "score"), Node("Add", ["score", "X"], ["Y"])], "Y");
        Assert.Null(model.TreeModel);
        Assert.Contains("'X', which the ensemble also reads", model.TreeModelUnavailableReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void A_per_row_factor_is_not_an_offset_and_is_refused(string op)
    {
        using var model = Load([Tree("X", "score"), Node(op, ["score", "offset"], ["Y"])], "Y");
        Assert.Null(model.TreeModel);
        Assert.Contains("scales the score by 'offset', which is not a constant", model.TreeModelUnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_offset_after_the_link_is_refused()
    {
        using var model = Load([Tree("X", "score"), Node("Sigmoid", ["score"], ["p"]), Node("Add", ["p", "offset"], ["Y"])], "Y");
        Assert.Null(model.TreeModel);
        Assert.Contains("after the Logistic link", model.TreeModelUnavailableReason, StringComparison.Ordinal);
    }

    /// <summary>The C11 graph <c>y = tree(X) + offset</c> as checked in under <c>Fixtures/c11_offset/</c> for the server and CLI tests.</summary>
    internal static byte[] C11Bytes() =>
        Model([Tree("X", "score"), Node("Add", ["score", "offset"], ["y"])], [Tensor("X", F32, -1, 1), Tensor("offset", F32, -1, 1)], [Tensor("y", F32, -1, 1)]);

    [Fact]
    public void The_c11_fixture_is_the_graph_built_here_and_serves_2_098612()
    {
        string path = RepoRoot.Path + "/tests/Explainability.Onnx.Tests/Fixtures/c11_offset/c11_offset.onnx";
        if (Environment.GetEnvironmentVariable("EXPLAINABILITY_WRITE_FIXTURES") == "1")
        {
            File.WriteAllBytes(path, C11Bytes());
        }

        Assert.Equal(C11Bytes(), File.ReadAllBytes(RuntimeCheck.Fixture("c11_offset", "c11_offset.onnx")));
        using var model = OnnxModel.Load(File.ReadAllBytes(path));
        Assert.Equal(2.098612, model.RunServedOutput(RuntimeCheck.Table(["X", "offset"], [1.0, Ln3]))[0], 1e-6);
    }

    [Fact]
    public void The_black_box_model_takes_the_offset_as_its_last_input()
    {
        using var model = Load([Tree("X", "score"), Node("Add", ["score", "offset"], ["Y"])], "Y");
        var batch = model.AsBatchModel();
        Assert.Equal(2, batch.InputCount);
        var output = new double[1];
        batch.Predict([1.0, Ln3], output);
        Assert.Equal(1 + Ln3, output[0], 1e-6);
    }
}
