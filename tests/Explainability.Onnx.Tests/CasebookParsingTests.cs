using Explainability.Core.Explanations;
using Explainability.Core.Trees;
using Explainability.Onnx.Proto;
using Explainability.Onnx.Tests.Support;
using static Explainability.Onnx.Tests.Support.Graphs;

namespace Explainability.Onnx.Tests;

/// <summary>
/// Casebook cases (shared/casebook.md) that concern reading ONNX trees: each small graph is run by ONNX Runtime from the
/// same bytes, and the parsed model after its link must reproduce the runtime and the casebook's prediction values.
/// </summary>
public class CasebookParsingTests
{
    private static string[] Names(int m) => [.. Enumerable.Range(0, m).Select(i => $"x{i}")];

    private static OnnxModel RegressorModel(V3Trees trees, int features, TensorProto.Types.DataType type = F32, bool asTensor = false,
        double[]? baseValues = null, string post = "NONE", string aggregate = "SUM", int targets = 1)
    {
        var node = trees.Regressor("X", "Y", targets, asTensor, baseValues, post, aggregate);
        var bytes = Model([node], [Tensor("X", type, -1, features)], [Tensor("Y", F32, -1, targets)]);
        return OnnxModel.Load(bytes, features > 1 ? Names(features) : null);
    }

    private static OnnxModel BinaryClassifierModel(V3Trees trees, int features, string post = "NONE", double[]? baseValues = null)
    {
        var node = trees.Classifier("X", "label", "probabilities", intLabels: [0, 1], baseValues: baseValues, post: post);
        var bytes = Model([node], [Tensor("X", F32, -1, features)], [Tensor("label", I64, -1), Tensor("probabilities", F32, -1, 2)]);
        return OnnxModel.Load(bytes, features > 1 ? Names(features) : null);
    }

    private static double[] Served(OnnxModel model, params double[][] rows) =>
        RuntimeCheck.Evaluate(model, RuntimeCheck.Table(model.RawFeatureNames, rows));

    [Fact]
    public void C01_double_threshold_tensor_routes_x_between_0_3_and_float32_0_3_right_with_double_input()
    {
        using var model = RegressorModel(new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0.3, 1.0, 2.0), 1, F64, asTensor: true);
        var tree = model.TreeModel!;
        Assert.True(tree.ColumnsAreDouble);
        Assert.Equal(0.3, tree.Ensemble.Threshold[tree.Ensemble.TreeRoots[0]]);
        var rows = new[] { new[] { 0.3000000059604645 }, [0.3], [0.30000001192092896], [double.NaN] };
        Assert.Equal(2.0, Served(model, rows[0])[0]);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, rows), 1e-12);
    }

    [Fact]
    public void C01_float_threshold_is_widened_exactly_so_x_between_goes_left_with_double_input()
    {
        using var model = RegressorModel(new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0.3, 1.0, 2.0), 1, F64);
        var tree = model.TreeModel!;
        Assert.Equal(0.30000001192092896, tree.Ensemble.Threshold[tree.Ensemble.TreeRoots[0]]);
        var rows = new[] { new[] { 0.3000000059604645 }, [0.3], [0.30000001192092896], [0.30000001192092897], [0.31] };
        Assert.Equal(1.0, Served(model, rows[0])[0]);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, rows), 1e-12);
    }

    [Fact]
    public void C02_missing_value_tracks_true_is_read_per_node()
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LT", 0.5, 1.0, 3.0, nanYes: true).Stump(1, 1, "BRANCH_LEQ", 2.0, -1.0, 1.0);
        using var model = RegressorModel(trees, 2, baseValues: [0]);
        Assert.Equal([0.0, 2.0], Served(model, [double.NaN, 1.0], [double.NaN, double.NaN]));
        Assert.Equal([true, false, false, false, false, false], model.TreeModel!.Ensemble.MissingTracksTrue);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, RuntimeCheck.WithNaN([0, 3], [1, 1], [0.5, 2])));
    }

    [Fact]
    public void C03_zero_is_routed_by_the_threshold_and_only_NaN_is_missing()
    {
        using var model = RegressorModel(new V3Trees().Stump(0, 0, "BRANCH_LT", 0.5, -1, 1), 1);
        Assert.Equal([-1.0, 1.0, 1.0], Served(model, [0.0], [double.NaN], [1.0]));
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, [0.0], [double.NaN], [1.0], [-0.0]));
    }

    [Fact]
    public void C05a_leaf_only_binary_classifier_with_logistic_explains_the_positive_class()
    {
        using var model = BinaryClassifierModel(new V3Trees().Leaf(0, 0, (0, 0.2)), 1, post: "LOGISTIC");
        var tree = model.TreeModel!;
        Assert.Equal(["1"], tree.OutputNames);
        Assert.Equal(LinkFunction.Logistic, tree.Link);
        Assert.Equal(0.549834, Served(model, [0.0])[0], 6);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, [0.0], [double.NaN], [5]));
    }

    [Fact]
    public void C05a_prime_binary_classifier_with_one_score_column_and_logistic_matches_runtime()
    {
        var trees = new V3Trees().Branch(0, 0, 0, "BRANCH_LEQ", 0.5, 1, 2).Leaf(0, 1, (0, 0.2)).Leaf(0, 2, (0, 0.7));
        using var model = BinaryClassifierModel(trees, 1, post: "LOGISTIC");
        var served = Served(model, [0.0], [1.0]);
        Assert.Equal(0.549834, served[0], 6);
        Assert.Equal(0.668188, served[1], 6);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, [0.0], [1.0], [double.NaN]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void C05b_single_target_logistic_is_applied_for_regressor_and_opset5_tree_ensemble(bool opset5)
    {
        OnnxModel model;
        if (opset5)
        {
            var v5 = new V5Tree();
            v5.Root(v5.Node(0, 0, 0, v5.Leaf(2), true, v5.Leaf(6), true));
            v5.Root(v5.Node(1, 0, 0, v5.Leaf(-2), true, v5.Leaf(4), true));
            var node = v5.Build("X", "Y", post: 1);
            model = OnnxModel.Load(Model([node], [Tensor("X", F32, -1, 2)], [Tensor("Y", F32, -1, 1)], mlOpset: 5), Names(2));
        }
        else
        {
            var trees = new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0, 2, 6).Stump(1, 1, "BRANCH_LEQ", 0, -2, 4);
            model = RegressorModel(trees, 2, post: "LOGISTIC");
        }

        using (model)
        {
            Assert.Equal(LinkFunction.Logistic, model.TreeModel!.Link);
            var margin = new double[1];
            model.TreeModel.Ensemble.Evaluate([1, 1], margin);
            Assert.Equal(10.0, margin[0]);
            Assert.Equal(0.9999546, Served(model, [1, 1])[0], 7);

            // ONNX Runtime 1.31.1 still serves the raw margin for a single target with LOGISTIC (casebook C05,
            // onnxruntime #26596): the cross-check must flag it instead of explaining 10 as a probability.
            var rows = RuntimeCheck.Table(model.RawFeatureNames, [1, 1], [-1, -1]);
            Assert.Equal(10.0, model.RunServedOutput(rows)[0], 5);
            var agreement = model.VerifyAgainstRuntime(rows);
            Assert.False(agreement.Agrees);
            Assert.Equal(0, agreement.WorstRow);
            Assert.Equal(10.0, agreement.Runtime, 5);
            Assert.Equal(0.9999546, agreement.Ours, 7);
        }
    }

    /// <summary>
    /// ONNX Runtime's PROBIT is the normal quantile sqrt(2)*erfinv(2s-1) of the score, with erfinv from a float32
    /// closed-form approximation (Winitzki, a = 0.147). The link is the exact quantile; the tolerance is what that
    /// approximation needs: 5e-3 relative over scores 0.001 .. 0.999, exact infinities at 0 and 1, NaN outside [0, 1].
    /// </summary>
    [Fact]
    public void Probit_post_transform_is_the_normal_quantile_the_runtime_applies()
    {
        double[] scores = [0.001, 0.01, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.95, 0.99, 0.999, 0, 1, -0.5, 1.5];
        var trees = new V3Trees();
        for (int i = 0; i < scores.Length; i++)
        {
            // A chain: x <= i + 0.5 reaches leaf i, so row x = i serves scores[i].
            trees.Branch(0, 2 * i, 0, "BRANCH_LEQ", i + 0.5, (2 * i) + 1, (2 * i) + 2).Leaf(0, (2 * i) + 1, (0, scores[i]));
        }

        trees.Leaf(0, 2 * scores.Length, (0, 0.5));
        using var model = RegressorModel(trees, 1, post: "PROBIT");
        Assert.Null(model.TreeModelUnavailableReason);
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel);
        Assert.Equal(LinkFunction.Probit, tree.Link);
        var rows = RuntimeCheck.Table(model.RawFeatureNames, [.. Enumerable.Range(0, scores.Length).Select(i => new double[] { i })]);
        var ours = RuntimeCheck.Evaluate(model, rows);
        var ort = model.RunServedOutput(rows);
        double worst = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            double s = (float)scores[i];
            if (s is > 0 and < 1)
            {
                Assert.Equal(MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, s), ours[i], 1e-12);
                double relative = Math.Abs(ours[i] - ort[i]) / Math.Max(Math.Abs(ours[i]), 1e-3);
                Assert.True(relative <= 5e-3, $"score {s:R}: quantile {ours[i]:R}, ONNX Runtime {ort[i]:R}");
                worst = Math.Max(worst, relative);
            }
            else
            {
                Assert.Equal(ort[i], ours[i]);
            }
        }

        Assert.True(worst > 1e-7, "ONNX Runtime's erfinv is an approximation; an exact match would mean the check compares nothing");
        Assert.True(model.VerifyAgainstRuntime(rows, relative: 5e-3, absolute: 5e-6).Agrees);
    }

    [Theory]
    [InlineData(1, LinkFunction.Logistic)]
    [InlineData(2, LinkFunction.Softmax)]
    [InlineData(3, LinkFunction.SoftmaxZero)]
    public void Opset5_post_transform_integers_follow_the_runtime(long post, LinkFunction expected)
    {
        var v5 = new V5Tree();
        v5.Root(v5.Node(0, 0, 0, v5.Leaf(0.2, 0), true, v5.Leaf(0.6, 0), true));
        v5.Root(v5.Node(0, 0, 0, v5.Leaf(0.1, 1), true, v5.Leaf(0.3, 1), true));
        var node = v5.Build("X", "Y", targets: 2, post: post);
        using var model = OnnxModel.Load(Model([node], [Tensor("X", F32, -1, 1)], [Tensor("Y", F32, -1, 2)], mlOpset: 5));
        Assert.Equal(expected, model.TreeModel!.Link);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(["X"], [1.0], [-1.0], [double.NaN]));
    }

    [Fact]
    public void C05c_random_forest_style_binary_classifier_with_positive_class_weights_only()
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0, 0.30, 0.45, target: 1).Stump(1, 1, "BRANCH_LEQ", 0, 0.10, 0.40, target: 1);
        using var model = BinaryClassifierModel(trees, 2);
        Assert.Equal(["1"], model.TreeModel!.OutputNames);
        Assert.Equal(LinkFunction.Identity, model.TreeModel.Link);
        Assert.Equal(0.55, Served(model, [1, -1])[0], 6);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, RuntimeCheck.WithNaN([1, -1], [-1, 1])));
    }

    [Fact]
    public void C07_base_values_enter_the_margin_as_given()
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LT", 1.0, -0.3, 0.5, target: 1);
        using var model = BinaryClassifierModel(trees, 1, post: "LOGISTIC", baseValues: [-0.405465]);
        var tree = model.TreeModel!;
        Assert.Equal((double)(float)-0.405465, tree.Ensemble.BaseValues[0]);
        var margin = new double[1];
        tree.Ensemble.Evaluate([2.0], margin);
        Assert.Equal(0.094535, margin[0], 6);
        Assert.Equal(0.523616, Served(model, [2.0])[0], 6);

        // ONNX Runtime 1.31.1 drops a single base value of a binary classifier and serves sigma(0.5) = 0.622459, the
        // casebook's "base_score dropped" value: the cross-check flags it rather than explaining a different number.
        var agreement = model.VerifyAgainstRuntime(RuntimeCheck.Table(model.RawFeatureNames, [2.0]));
        Assert.False(agreement.Agrees);
        Assert.Equal(0.622459, agreement.Runtime, 6);
        Assert.Equal(0.523616, agreement.Ours, 6);
    }

    [Fact]
    public void C10_exp_node_after_the_regressor_is_the_link()
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0, Math.Log(2), Math.Log(8)).Stump(1, 1, "BRANCH_LEQ", 0, 0, Math.Log(3));
        var bytes = Model([trees.Regressor("X", "margin"), Node("Exp", ["margin"], ["Y"])], [Tensor("X", F32, -1, 2)], [Tensor("Y", F32, -1, 1)]);
        using var model = OnnxModel.Load(bytes, Names(2));
        Assert.Equal(LinkFunction.Exp, model.TreeModel!.Link);
        var margin = new double[1];
        model.TreeModel.Ensemble.Evaluate([1, 1], margin);
        Assert.Equal(Math.Log(24), margin[0], 6);
        Assert.Equal(24.0, Served(model, [1, 1])[0], 5);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, RuntimeCheck.WithNaN([1, 1], [-1, -1], [1, -1])));
    }

    [Fact]
    public void C13_single_leaf_tree_and_leaf_only_model_parse_without_covers_or_NaN()
    {
        var trees = new V3Trees().Leaf(0, 0, (0, 0.459)).Stump(1, 0, "BRANCH_LEQ", 0, -1, 1);
        using var model = RegressorModel(trees, 1);
        Assert.Equal(2, model.TreeModel!.Ensemble.TreeCount);
        Assert.Equal(-0.541, Served(model, [-5])[0], 6);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, [-5], [5], [double.NaN]));

        using var leafOnly = RegressorModel(new V3Trees().Leaf(0, 0, (0, 0.459)), 1);
        Assert.Equal(0, leafOnly.TreeModel!.Ensemble.MaxDepth);
        Assert.All(Served(leafOnly, [-5], [double.NaN], [1e9]), v => Assert.Equal(0.459, v, 6));
        RuntimeCheck.AssertMatchesRuntime(leafOnly, RuntimeCheck.Table(leafOnly.RawFeatureNames, [-5], [double.NaN]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void C17_string_labels_are_read_from_zipmap_by_label_with_double_or_float_input(bool doubleModel)
    {
        var trees = new V3Trees().Branch(0, 0, 0, "BRANCH_LEQ", 100, 1, 2)
            .Leaf(0, 1, (0, 0.80), (1, 0.15), (2, 0.05)).Leaf(0, 2, (0, 0.10), (1, 0.30), (2, 0.60));
        string[] labels = ["legit", "review", "fraud"];
        var classifier = trees.Classifier("X", "label", "scores", stringLabels: labels, asTensor: doubleModel);
        var cast = Node("Cast", ["scores"], ["scores_float"], Int("to", (int)F32));
        var zip = MlNode("ZipMap", ["scores_float"], ["output_probability"], Strings("classlabels_strings", labels));
        var bytes = Model([classifier, cast, zip], [Tensor("X", doubleModel ? F64 : F32, -1, 1)],
            [Tensor("label", Utf8, -1), SeqMap("output_probability", Utf8)]);
        using var model = OnnxModel.Load(bytes);
        var tree = model.TreeModel!;
        Assert.Equal(labels, tree.OutputNames);
        Assert.Equal("output_probability", tree.ServedOutputName);
        var rows = RuntimeCheck.Table(["X"], [250.0], [50.0], [100.0], [double.NaN]);
        var ort = model.RunServedOutput(rows);
        Assert.Equal(0.6, ort[2], 6);
        Assert.Equal(0.1, ort[0], 6);
        Assert.Equal(0.3, ort[1], 6);
        RuntimeCheck.AssertMatchesRuntime(model, rows);
    }

    [Fact]
    public void C27_thousand_float32_stumps_sum_exactly_in_double_within_the_float32_drift_of_the_runtime()
    {
        var trees = new V3Trees();
        for (int t = 0; t < 1000; t++)
        {
            trees.Stump(t, 0, "BRANCH_LEQ", 0, 0.1, 0.2);
        }

        using var model = RegressorModel(trees, 1);
        var margin = new double[1];
        model.TreeModel!.Ensemble.Evaluate([1.0], margin);
        Assert.Equal(200.000002980232, margin[0], 9);
        var ort = model.RunServedOutput(RuntimeCheck.Table(["X"], [1.0]));
        Assert.Equal(margin[0], ort[0], 0.024);
    }

    [Fact]
    public void Branch_member_nodes_of_opset5_tree_ensemble_match_runtime()
    {
        var v5 = new V5Tree();
        int inner = v5.Node(1, 0, 0.5, v5.Leaf(-1), true, v5.Leaf(1), true, nanYes: true);
        v5.Root(v5.Node(0, 6, 0, v5.Leaf(10), true, inner, false, members: [1, 3, 5]));
        var node = v5.Build("X", "Y");
        using var model = OnnxModel.Load(Model([node], [Tensor("X", F32, -1, 2)], [Tensor("Y", F32, -1, 1)], mlOpset: 5), Names(2));
        var e = model.TreeModel!.Ensemble;
        Assert.Equal(NodeMode.BranchMember, e.Mode[e.TreeRoots[0]]);
        Assert.Equal([1.0, 3.0, 5.0], e.MemberSets![e.TreeRoots[0]]);
        Assert.Equal([10.0, -1.0, 1.0, 10.0], Served(model, [3, 0], [2, 0], [2, 1], [5, double.NaN]));
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames,
            RuntimeCheck.WithNaN([1, 0], [2, 0], [3, 1], [4, 0.5], [5, 0.6], [6, 0.4], [0, 0])));
    }

    [Fact]
    public void Average_aggregation_divides_leaves_by_the_tree_count()
    {
        var v5 = new V5Tree();
        v5.Root(v5.Node(0, 0, 0, v5.Leaf(2), true, v5.Leaf(6), true));
        v5.Root(v5.Node(1, 1, 0, v5.Leaf(-2), true, v5.Leaf(4), true));
        v5.Root(v5.Node(0, 3, 1, v5.Leaf(3), true, v5.Leaf(0), true));
        var node = v5.Build("X", "Y", aggregate: 0);
        using var model = OnnxModel.Load(Model([node], [Tensor("X", F32, -1, 2)], [Tensor("Y", F32, -1, 1)], mlOpset: 5), Names(2));
        Assert.Equal((6 + 4 + 3) / 3.0, Served(model, [2, 2])[0], 12);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, RuntimeCheck.WithNaN([2, 2], [-1, -1], [0.5, 0.5])));

        using var v3 = RegressorModel(new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0, 2, 6).Stump(1, 1, "BRANCH_LEQ", 0, -2, 4), 2, aggregate: "AVERAGE", baseValues: [1]);
        Assert.Equal(1 + ((6 + 4) / 2.0), Served(v3, [1, 1])[0], 12);
        RuntimeCheck.AssertMatchesRuntime(v3, RuntimeCheck.Table(v3.RawFeatureNames, RuntimeCheck.WithNaN([1, 1], [-1, 1])));
    }

    [Theory]
    [InlineData("MIN")]
    [InlineData("MAX")]
    public void Min_and_max_aggregation_are_refused_because_TreeSHAP_cannot_explain_them(string aggregate)
    {
        using var model = RegressorModel(new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0, 2, 6).Stump(1, 0, "BRANCH_LEQ", 1, -2, 4), 1, aggregate: aggregate);
        Assert.Null(model.TreeModel);
        Assert.Contains("TreeSHAP cannot explain MIN/MAX aggregation", model.TreeModelUnavailableReason, StringComparison.Ordinal);

        var v5 = new V5Tree();
        v5.Root(v5.Node(0, 0, 0, v5.Leaf(2), true, v5.Leaf(6), true));
        var node = v5.Build("X", "Y", aggregate: aggregate == "MIN" ? 2 : 3);
        var e = Assert.Throws<UnsupportedModelException>(() => Trees.TreeEnsembleReader.Read(node, 1, false));
        Assert.Contains("TreeSHAP cannot explain MIN/MAX aggregation", e.Message, StringComparison.Ordinal);
    }
}
