using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Onnx.Tests.Support;
using static Explainability.Onnx.Tests.Support.Graphs;

namespace Explainability.Onnx.Tests;

/// <summary>
/// <c>ai.onnx.ml</c> LinearRegressor / LinearClassifier read into <see cref="OnnxLinearModel"/>: the margin after its link
/// must reproduce ONNX Runtime's served output, on hand-built graphs (casebook C22) and on the skl2onnx titanic pipeline.
/// </summary>
public class LinearModelTests
{
    internal const string Titanic = "skl2onnx_titanic_logreg_pipeline";

    internal static readonly string[] TitanicInputs = ["pclass", "sex", "age", "fare", "embarked"];

    /// <summary>The 38 sample rows, the five model inputs only, pclass as text.</summary>
    internal static FeatureTable TitanicRows()
    {
        var all = CsvTableReader.Parse(File.ReadAllText(RuntimeCheck.Fixture(Titanic, "small_titanic_sample_input.csv")), "small_titanic_sample_input.csv",
            new HashSet<string>(["pclass", "sex", "embarked"]));
        var cells = new List<FeatureValue>();
        for (int r = 0; r < all.RowCount; r++)
        {
            cells.AddRange(TitanicInputs.Select(c => all[r, all.IndexOf(c)]));
        }

        return new FeatureTable(TitanicInputs, [.. cells]);
    }

    /// <summary>Casebook C22: LinearClassifier w = [2, -1], b = 0.5, post_transform LOGISTIC, written as skl2onnx writes a
    /// binary logistic regression (rows [-w, w], intercepts [-b, b]) or with one coefficient row.</summary>
    internal static byte[] C22Model(bool oneRow, string post = "LOGISTIC")
    {
        double[] coefficients = oneRow ? [2, -1] : [-2, 1, 2, -1];
        double[] intercepts = oneRow ? [0.5] : [-0.5, 0.5];
        var node = MlNode("LinearClassifier", ["X"], ["label", "probabilities"],
            Floats("coefficients", coefficients), Floats("intercepts", intercepts), Ints("classlabels_ints", 0, 1),
            Str("post_transform", post), Int("multi_class", 0));
        return Model([node], [Tensor("X", F32, -1, 2)], [Tensor("label", I64, -1), Tensor("probabilities", F32, -1, 2)], mlOpset: 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void C22_logistic_linear_classifier_has_margin_0_5_and_probability_0_622459_at_1_2(bool oneRow)
    {
        using var model = OnnxModel.Load(C22Model(oneRow), ["x0", "x1"]);
        var linear = Assert.IsType<OnnxLinearModel>(model.LinearModel, exactMatch: true);
        Assert.Null(model.TreeModel);
        Assert.Equal(LinkFunction.Logistic, linear.Link);
        var rows = RuntimeCheck.Table(["x0", "x1"], [1, 2], [1, 1], [-1, -1]);
        var ort = model.RunServedOutput(rows);
        int k = linear.OutputCount;
        Assert.Equal(oneRow ? ["1"] : ["0", "1"], linear.OutputNames);
        Assert.Equal(0.622459, ort[k - 1], 1e-6);

        var columns = model.ComputeColumns(rows);
        var margin = new double[k];
        var p = new double[k];
        linear.Evaluate(columns.AsSpan(0, 2), margin);
        Assert.Equal(0.5, margin[k - 1], 1e-12);
        Link.Apply(linear.Link, margin, p);
        Assert.Equal(0.622459, p[k - 1], 1e-6);
        Assert.Equal([2.0, -1.0], linear.Weights.AsSpan((k - 1) * 2, 2).ToArray());
    }

    [Fact]
    public void Titanic_linear_model_maps_11_columns_to_5_raw_inputs_and_its_margin_through_the_link_equals_runtime()
    {
        using var model = OnnxModel.Load(RuntimeCheck.Fixture(Titanic, "pipeline_titanic.onnx"));
        var linear = Assert.IsType<OnnxLinearModel>(model.LinearModel, exactMatch: true);
        Assert.Equal("LinearClassifier", linear.OpType);
        Assert.Equal(11, linear.ColumnCount);
        Assert.Equal(LinkFunction.Logistic, linear.Link);
        Assert.Equal(["0", "1"], linear.OutputNames);
        Assert.Equal("output_probability", linear.ServedOutputName);
        Assert.Equal(TitanicInputs.Order(), linear.FeatureMap.FeatureNames.Order());
        var perFeature = linear.FeatureMap.ColumnToFeature.GroupBy(f => linear.FeatureMap.FeatureNames[f]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, perFeature["pclass"]);
        Assert.Equal(2, perFeature["sex"]);
        Assert.Equal(4, perFeature["embarked"]);
        Assert.Equal(1, perFeature["age"]);
        Assert.Equal(1, perFeature["fare"]);

        var rows = TitanicRows();
        Assert.Equal(38, rows.RowCount);
        var columns = model.ComputeColumns(rows);
        var ort = model.RunServedOutput(rows);
        var margin = new double[2];
        var p = new double[2];
        for (int r = 0; r < rows.RowCount; r++)
        {
            linear.Evaluate(columns.AsSpan(r * 11, 11), margin);
            Assert.Equal(-margin[0], margin[1], 1e-6);
            Link.Apply(linear.Link, margin, p);
            Assert.Equal(ort[r * 2], p[0], 1e-5);
            Assert.Equal(ort[(r * 2) + 1], p[1], 1e-5);
        }
    }

    [Fact]
    public void Two_target_regressor_with_a_constant_affine_step_after_it_folds_the_step_into_weights_and_intercepts()
    {
        // Y = (X · Wᵀ + b) * 2 - 1, two targets over three columns.
        var node = MlNode("LinearRegressor", ["X"], ["score"],
            Floats("coefficients", 1, -2, 0.5, 0, 3, -1), Floats("intercepts", 0.25, -0.75), Int("targets", 2));
        var bytes = Model(
            [node, Node("Mul", ["score", "two"], ["scaled"]), Node("Sub", ["scaled", "one"], ["Y"])],
            [Tensor("X", F32, -1, 3)], [Tensor("Y", F32, -1, 2)], [ScalarFloat("two", 2), ScalarFloat("one", 1)]);
        using var model = OnnxModel.Load(bytes, ["a", "b", "c"]);
        var linear = Assert.IsType<OnnxLinearModel>(model.LinearModel, exactMatch: true);
        Assert.Equal(LinkFunction.Identity, linear.Link);
        Assert.Equal(["0", "1"], linear.OutputNames);
        Assert.Equal([2.0, -4.0, 1.0, 0.0, 6.0, -2.0], linear.Weights);
        Assert.Equal([-0.5, -2.5], linear.Intercepts);
        var agreement = model.VerifyAgainstRuntime(RuntimeCheck.Table(["a", "b", "c"], [1, 2, 3], [-1.5, 0, 4], [0, 0, 0], [10, -3, 0.125]));
        Assert.True(agreement.Agrees, $"worst {agreement.MaxAbsoluteError} at row {agreement.WorstRow}");
    }

    [Fact]
    public void Multiclass_softmax_classifier_with_string_labels_is_read_by_label_from_its_zipmap()
    {
        var node = MlNode("LinearClassifier", ["X"], ["label", "scores"],
            Floats("coefficients", 1, 0, 0, 1, -1, -1), Floats("intercepts", 0, 0.5, -0.5), Strings("classlabels_strings", "low", "mid", "high"),
            Str("post_transform", "SOFTMAX"));
        var bytes = Model(
            [node, MlNode("ZipMap", ["scores"], ["probabilities"], Strings("classlabels_strings", "low", "mid", "high"))],
            [Tensor("X", F32, -1, 2)], [Tensor("label", Utf8, -1), SeqMap("probabilities", Utf8)], mlOpset: 1);
        using var model = OnnxModel.Load(bytes, ["a", "b"]);
        var linear = Assert.IsType<OnnxLinearModel>(model.LinearModel, exactMatch: true);
        Assert.Equal(LinkFunction.Softmax, linear.Link);
        Assert.Equal(["low", "mid", "high"], linear.OutputNames);
        var rows = RuntimeCheck.Table(["a", "b"], [1, 2], [-1, 0.5], [3, -2]);
        Assert.True(model.VerifyAgainstRuntime(rows).Agrees);
        var served = model.RunServedOutput(rows);
        Assert.Equal(1.0, served.Take(3).Sum(), 1e-6);
    }

    [Fact]
    public void L1_normalizer_after_logistic_scores_that_do_not_sum_to_one_is_refused_with_the_reason()
    {
        var node = MlNode("LinearClassifier", ["X"], ["label", "scores"],
            Floats("coefficients", 1, 0, 0, 1), Floats("intercepts", 0, 0), Ints("classlabels_ints", 0, 1), Str("post_transform", "LOGISTIC"));
        var bytes = Model(
            [node, MlNode("Normalizer", ["scores"], ["normalized"], Str("norm", "L1"))],
            [Tensor("X", F32, -1, 2)], [Tensor("label", I64, -1), Tensor("normalized", F32, -1, 2)], mlOpset: 1);
        using var model = OnnxModel.Load(bytes, ["a", "b"]);
        Assert.Null(model.LinearModel);
        Assert.Contains("Normalizer", model.LinearModelUnavailableReason, StringComparison.Ordinal);
        Assert.Contains("row-dependent norm", model.LinearModelUnavailableReason, StringComparison.Ordinal);

        // Still a black box: the served tensor, read by column.
        var box = model.AsBatchModel(RawFeatureCodec.For(model));
        Assert.Equal(["0", "1"], box.OutputNames);
        var outputs = new double[2];
        box.Predict([1, 2], outputs);
        double p0 = Link.Logistic(1), p1 = Link.Logistic(2);
        Assert.Equal(p0 / (p0 + p1), outputs[0], 1e-6);
    }

    [Fact]
    public void Coefficients_that_do_not_fit_the_input_width_are_refused_naming_the_node()
    {
        var node = MlNode("LinearRegressor", ["X"], ["Y"], Floats("coefficients", 1, 2, 3), Floats("intercepts", 0));
        using var model = OnnxModel.Load(Model([node], [Tensor("X", F32, -1, 2)], [Tensor("Y", F32, -1, 1)], mlOpset: 1), ["a", "b"]);
        Assert.Null(model.LinearModel);
        Assert.Contains("3 coefficients are not a whole number of rows of the input's 2 columns", model.LinearModelUnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void One_row_classifier_without_post_transform_serves_1_minus_s_and_s_and_explains_the_second_label()
    {
        var node = MlNode("LinearClassifier", ["X"], ["label", "scores"],
            Floats("coefficients", 0.25, -0.125), Floats("intercepts", 0.5), Strings("classlabels_strings", "no", "yes"));
        var bytes = Model([node], [Tensor("X", F32, -1, 2)], [Tensor("label", Utf8, -1), Tensor("scores", F32, -1, 2)], mlOpset: 1);
        using var model = OnnxModel.Load(bytes, ["a", "b"]);
        var linear = Assert.IsType<OnnxLinearModel>(model.LinearModel, exactMatch: true);
        Assert.Equal(["yes"], linear.OutputNames);
        Assert.Equal(LinkFunction.Identity, linear.Link);
        var rows = RuntimeCheck.Table(["a", "b"], [1, 2], [0, 0], [-2, 4]);
        Assert.Equal([0.5, 0.5, -0.5], model.RunServedOutput(rows));
        Assert.True(model.VerifyAgainstRuntime(rows).Agrees);
    }
}
