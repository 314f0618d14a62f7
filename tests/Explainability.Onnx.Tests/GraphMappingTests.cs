using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Onnx.Tests.Support;
using static Explainability.Onnx.Tests.Support.Graphs;

namespace Explainability.Onnx.Tests;

/// <summary>The graph around the ensemble: affine ops and links after it, preprocessing and raw input binding before it.</summary>
public class GraphMappingTests
{
    private static readonly string[] Colors = ["red", "green", "blue"];

    /// <summary>ML.NET's binary classifier export: Score -> Mul -> Add -> Sigmoid -> Probability, Binarizer for the label.</summary>
    private static byte[] CalibratedBinaryModel()
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0.5, -1.2, 0.8).Stump(1, 1, "BRANCH_GT", 2.0, 0.7, -0.4, nanYes: true);
        return Model(
            [
                trees.Regressor("Features", "Score"),
                Node("Identity", ["Score"], ["Score.output"]),
                Node("Mul", ["Score", "slope"], ["scaled"]),
                Node("Add", ["scaled", "intercept"], ["calibrated"]),
                Node("Sigmoid", ["calibrated"], ["Probability"]),
                Node("Identity", ["Probability"], ["Probability.output"]),
                MlNode("Binarizer", ["Score"], ["PredictedLabel"], new Proto.AttributeProto { Name = "threshold", Type = Proto.AttributeProto.Types.AttributeType.Float, F = 0 }),
                Node("Identity", ["PredictedLabel"], ["PredictedLabel.output"]),
            ],
            [Tensor("Features", F32, -1, 2), Tensor("Label", F32, -1, 1)],
            [Tensor("Score.output", F32, -1, 1), Tensor("Probability.output", F32, -1, 1), Tensor("PredictedLabel.output", F32, -1, 1)],
            [ScalarFloat("slope", -1.7), ScalarFloat("intercept", 0.25)]);
    }

    [Fact]
    public void Mlnet_calibrated_binary_classifier_folds_the_affine_calibrator_and_takes_sigmoid_as_the_link()
    {
        using var model = OnnxModel.Load(CalibratedBinaryModel(), ["a", "b"]);
        var tree = model.TreeModel!;
        Assert.Equal("Probability.output", tree.ServedOutputName);
        Assert.Equal(LinkFunction.Logistic, tree.Link);
        Assert.Equal((double)0.25f + ((double)-1.7f * 0), tree.Ensemble.BaseValues[0], 12);
        Assert.False(Assert.Single(model.Inputs, i => i.Name == "Label").IsFeature);
        Assert.Equal(["a", "b"], model.RawFeatureNames);

        var margin = new double[1];
        tree.Ensemble.Evaluate([0, 3], margin);
        Assert.Equal(((double)-1.7f * ((double)-1.2f + (double)0.7f)) + (double)0.25f, margin[0], 12);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(["a", "b"], RuntimeCheck.WithNaN([0, 3], [1, 1], [0.5, 2], [-2, 7])));
        Assert.True(model.VerifyAgainstRuntime(RuntimeCheck.Table(["a", "b"], [0, 3], [1, 1])).Agrees);
    }

    [Fact]
    public void Affine_op_after_the_link_is_refused_with_the_op_named()
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0.5, -1.2, 0.8);
        var bytes = Model(
            [trees.Regressor("X", "Score"), Node("Sigmoid", ["Score"], ["p"]), Node("Mul", ["p", "hundred"], ["percent"])],
            [Tensor("X", F32, -1, 1)], [Tensor("percent", F32, -1, 1)], [ScalarFloat("hundred", 100)]);
        using var model = OnnxModel.Load(bytes);
        Assert.Null(model.TreeModel);
        Assert.Contains("Mul node", model.TreeModelUnavailableReason, StringComparison.Ordinal);
        Assert.Contains("after the Logistic link", model.TreeModelUnavailableReason, StringComparison.Ordinal);
    }

    /// <summary>A string input one-hot encoded and concatenated with a numeric input in front of a tree.</summary>
    private static byte[] OneHotModel()
    {
        var trees = new V3Trees()
            .Branch(0, 0, 2, "BRANCH_EQ", 1, 1, 2).Leaf(0, 1, (0, 5)).Branch(0, 2, 0, "BRANCH_LEQ", 100, 3, 4).Leaf(0, 3, (0, 1)).Leaf(0, 4, (0, 2))
            .Stump(1, 3, "BRANCH_GT", 0.5, 0.25, -0.25);
        return Model(
            [
                MlNode("OneHotEncoder", ["color"], ["color_onehot"], Strings("cats_strings", Colors), Int("zeros", 1)),
                Node("Reshape", ["color_onehot", "shape"], ["color_flat"]),
                Node("Cast", ["amount"], ["amount_float"], Int("to", (int)F32)),
                Node("Concat", ["amount_float", "color_flat"], ["features"], Int("axis", 1)),
                trees.Regressor("features", "Y"),
            ],
            [Tensor("amount", F64, -1, 1), Tensor("color", Utf8, -1, 1)],
            [Tensor("Y", F32, -1, 1)],
            [new Proto.TensorProto { Name = "shape", DataType = (int)I64, Dims = { 2 }, Int64Data = { -1, 3 } }]);
    }

    private static FeatureTable ColorRows(params (double Amount, string? Color)[] rows) =>
        new(["amount", "color"], [.. rows.SelectMany(r => new[] { FeatureValue.Of(r.Amount), r.Color is null ? FeatureValue.Missing : FeatureValue.Of(r.Color) })]);

    [Fact]
    public void One_hot_columns_of_a_string_input_all_map_to_that_input_and_the_evaluator_matches_runtime()
    {
        using var model = OnnxModel.Load(OneHotModel());
        var tree = model.TreeModel!;
        Assert.Equal(["amount", "color"], tree.FeatureMap.FeatureNames);
        Assert.Equal([0, 1, 1, 1], tree.FeatureMap.ColumnToFeature);
        Assert.Equal("dataflow", tree.ColumnMappingSource);
        Assert.False(tree.ColumnsAreDouble);
        var rows = ColorRows((50, "red"), (150, "green"), (150, "blue"), (50, "purple"), (double.NaN, "red"), (120, null), (100, "green"));
        var columns = model.ComputeColumns(rows);
        Assert.Equal([150, 0, 1, 0], columns.AsSpan(4, 4).ToArray());
        RuntimeCheck.AssertMatchesRuntime(model, rows);
    }

    [Fact]
    public void Batches_and_parallel_runs_give_the_same_columns_and_outputs_as_one_call()
    {
        using var model = OnnxModel.Load(OneHotModel());
        var rng = new Random(3);
        var rows = ColorRows([.. Enumerable.Range(0, 200).Select(_ => (Math.Round(rng.NextDouble() * 200, 1), (string?)Colors[rng.Next(3)]))]);
        var whole = model.ComputeColumns(rows);
        var served = model.RunServedOutput(rows);
        Assert.Equal(whole, model.ComputeColumns(rows, batchSize: 7));
        Assert.Equal(served, model.RunServedOutput(rows, batchSize: 13));
        Parallel.For(0, 16, _ =>
        {
            Assert.Equal(whole, model.ComputeColumns(rows, batchSize: 50));
            Assert.Equal(served, model.RunServedOutput(rows));
        });
    }

    [Fact]
    public void Column_depending_on_two_raw_inputs_is_refused_with_both_named()
    {
        var trees = new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0.5, 1, 2).Stump(1, 1, "BRANCH_LEQ", 0.5, 1, 2);
        var bytes = Model(
            [Node("Add", ["a", "b"], ["sum"]), Node("Concat", ["sum", "a"], ["features"], Int("axis", 1)), trees.Regressor("features", "Y")],
            [Tensor("a", F32, -1, 1), Tensor("b", F32, -1, 1)], [Tensor("Y", F32, -1, 1)]);
        using var model = OnnxModel.Load(bytes);
        Assert.Null(model.TreeModel);
        Assert.Contains("column 0 of the ensemble input 'features' depends on several raw inputs ('a', 'b')", model.TreeModelUnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_for_a_numeric_input_is_refused_naming_the_feature_and_the_expected_kind()
    {
        using var model = OnnxModel.Load(OneHotModel());
        var rows = new FeatureTable(["amount", "color"], [FeatureValue.Of("lots"), FeatureValue.Of("red")]);
        var e = Assert.Throws<InputException>(() => model.ComputeColumns(rows));
        Assert.Equal("amount", e.FeatureName);
        Assert.Contains("'lots'", e.Message, StringComparison.Ordinal);
        Assert.Contains("a number (float64)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Number_for_a_string_input_is_refused_naming_the_feature_and_the_expected_kind()
    {
        using var model = OnnxModel.Load(OneHotModel());
        var rows = new FeatureTable(["amount", "color"], [FeatureValue.Of(1.0), FeatureValue.Of(2.0)]);
        var e = Assert.Throws<InputException>(() => model.RunServedOutput(rows));
        Assert.Equal("color", e.FeatureName);
        Assert.Contains("text (a category)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_feature_and_unknown_column_are_refused_by_name()
    {
        using var model = OnnxModel.Load(OneHotModel());
        var missing = Assert.Throws<InputException>(() => model.ComputeColumns(new FeatureTable(["amount"], [FeatureValue.Of(1.0)])));
        Assert.Equal("color", missing.FeatureName);
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);

        var extra = new FeatureTable(["amount", "color", "colour"], [FeatureValue.Of(1.0), FeatureValue.Of("red"), FeatureValue.Of("red")]);
        var unknown = Assert.Throws<InputException>(() => model.ComputeColumns(extra));
        Assert.Equal("colour", unknown.FeatureName);
        Assert.Contains("not an input of the model", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(4, model.ComputeColumns(extra, allowExtraColumns: true).Length);
    }

    [Fact]
    public void Feature_names_that_do_not_fit_the_matrix_input_are_refused()
    {
        var bytes = File.ReadAllBytes(RuntimeCheck.Fixture("moose_xgboost_regressor", "xgboost_regressor.onnx"));
        var e = Assert.Throws<InputException>(() => OnnxModel.Load(bytes, ["a", "b", "c"]));
        Assert.Contains("float_input", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_model_serves_the_explained_outputs_for_numeric_rows()
    {
        using var model = OnnxModel.Load(CalibratedBinaryModel(), ["a", "b"]);
        var batch = model.AsBatchModel();
        Assert.Equal(2, batch.InputCount);
        Assert.Equal(1, batch.OutputCount);
        double[] rows = [0, 3, 1, 1, double.NaN, 0];
        var outputs = new double[3];
        batch.Predict(rows, outputs);
        Assert.Equal(model.RunServedOutput(RuntimeCheck.Table(["a", "b"], [0, 3], [1, 1], [double.NaN, 0])), outputs);
    }

    [Fact]
    public void Gather_of_one_class_after_the_classifier_explains_that_class_only()
    {
        var trees = new V3Trees().Branch(0, 0, 0, "BRANCH_LEQ", 1, 1, 2).Leaf(0, 1, (0, 0.7), (1, 0.2), (2, 0.1)).Leaf(0, 2, (0, 0.1), (1, 0.3), (2, 0.6));
        var bytes = Model(
            [trees.Classifier("X", "label", "scores", intLabels: [10, 20, 30]), Node("Gather", ["scores", "two"], ["fraud"], Int("axis", 1))],
            [Tensor("X", F32, -1, 1)], [Tensor("label", I64, -1), Tensor("fraud", F32, -1, 1)],
            [new Proto.TensorProto { Name = "two", DataType = (int)I64, Dims = { 1 }, Int64Data = { 2 } }]);
        using var model = OnnxModel.Load(bytes);
        var tree = model.TreeModel!;
        Assert.Equal(["30"], tree.OutputNames);
        Assert.Equal(1, tree.Ensemble.OutputCount);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(["X"], [0], [2], [double.NaN]));
    }
}

