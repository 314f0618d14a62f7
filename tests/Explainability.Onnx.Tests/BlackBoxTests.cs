using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Onnx.Proto;
using Explainability.Onnx.Tests.Support;
using static Explainability.Onnx.Tests.Support.Graphs;

namespace Explainability.Onnx.Tests;

/// <summary>
/// Any ONNX model as a black box (<see cref="OnnxBlackBox"/>) over rows encoded by a <see cref="RawFeatureCodec"/>: its
/// outputs must equal ONNX Runtime's served output, row by row, in batches of at most MaxRowsPerRun rows per runtime call,
/// and its margin the parsed tree ensemble's or linear model's.
/// </summary>
public class BlackBoxTests
{
    private static readonly double[] W = [0.5, -1.25, 2.0];
    private const double B = 0.125;

    /// <summary>A small network no reader parses: <c>Y = Sigmoid(X · W + b)</c>, X <c>[N, 3]</c> float.</summary>
    internal static byte[] MatMulAddSigmoid()
    {
        var w = new TensorProto { Name = "W", DataType = (int)F32, Dims = { 3, 1 } };
        w.FloatData.AddRange(W.Select(v => (float)v));
        var b = new TensorProto { Name = "B", DataType = (int)F32, Dims = { 1 } };
        b.FloatData.Add((float)B);
        return Model(
            [Node("MatMul", ["X", "W"], ["xw"]), Node("Add", ["xw", "B"], ["z"]), Node("Sigmoid", ["z"], ["Y"])],
            [Tensor("X", F32, -1, 3)], [Tensor("Y", F32, -1, 1)], [w, b]);
    }

    /// <summary>
    /// The committed fixture <c>Fixtures/matmul_add_sigmoid/matmul_add_sigmoid.onnx</c> (used by the command-line tests, which
    /// cannot build graphs) is exactly the graph <see cref="MatMulAddSigmoid"/> writes. Set
    /// <c>EXPLAINABILITY_WRITE_FIXTURES=1</c> to rewrite it in the source tree.
    /// </summary>
    [Fact]
    public void MatMul_Add_Sigmoid_fixture_is_the_graph_the_builder_writes()
    {
        byte[] built = MatMulAddSigmoid();
        if (Environment.GetEnvironmentVariable("EXPLAINABILITY_WRITE_FIXTURES") == "1")
        {
            File.WriteAllBytes(Path.Combine(RepoRoot.Path, "tests", "Explainability.Onnx.Tests", "Fixtures", "matmul_add_sigmoid", "matmul_add_sigmoid.onnx"), built);
        }

        Assert.Equal(built, File.ReadAllBytes(RuntimeCheck.Fixture("matmul_add_sigmoid", "matmul_add_sigmoid.onnx")));
    }

    /// <summary>
    /// A tree ensemble TreeSHAP cannot take: <c>Y = MIN(tree0, tree1)</c> with tree0 <c>x0 LEQ 0 -> 2 / 6</c> and tree1
    /// <c>x1 LEQ 0 -> -2 / 4</c> (TreeEnsembleRegressor, <c>aggregate_function=MIN</c>), X <c>[N, 2]</c> float.
    /// </summary>
    internal static byte[] MinAggregation() =>
        Model([new V3Trees().Stump(0, 0, "BRANCH_LEQ", 0, 2, 6).Stump(1, 1, "BRANCH_LEQ", 0, -2, 4).Regressor("X", "Y", aggregate: "MIN")],
            [Tensor("X", F32, -1, 2)], [Tensor("Y", F32, -1, 1)]);

    /// <summary>The committed fixture <c>Fixtures/tree_min_aggregation/tree_min_aggregation.onnx</c> is exactly
    /// <see cref="MinAggregation"/>'s graph, which ONNX Runtime serves as the minimum of the two trees and no tree reader takes.</summary>
    [Fact]
    public void Min_aggregation_fixture_is_the_graph_the_builder_writes_and_is_explainable_only_as_a_black_box()
    {
        byte[] built = MinAggregation();
        if (Environment.GetEnvironmentVariable("EXPLAINABILITY_WRITE_FIXTURES") == "1")
        {
            File.WriteAllBytes(Path.Combine(RepoRoot.Path, "tests", "Explainability.Onnx.Tests", "Fixtures", "tree_min_aggregation", "tree_min_aggregation.onnx"), built);
        }

        Assert.Equal(built, File.ReadAllBytes(RuntimeCheck.Fixture("tree_min_aggregation", "tree_min_aggregation.onnx")));
        using var model = OnnxModel.Load(built, ["a", "b"]);
        Assert.Null(model.TreeModel);
        Assert.Null(model.LinearModel);
        Assert.Equal([4.0, -2.0], model.AsBatchModel().Predict(RuntimeCheck.Table(["a", "b"], [1, 1], [-1, -1])));
    }

    private static double[] RandomRows(int count, int width, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count * width).Select(_ => Math.Round((rng.NextDouble() * 6) - 3, 3))];
    }

    [Theory]
    [InlineData(10, 4, 3)]
    [InlineData(10, 10, 1)]
    [InlineData(10, 1, 10)]
    [InlineData(1, 64, 1)]
    public void MatMul_Add_Sigmoid_graph_is_served_in_ceil_N_over_chunk_runtime_calls_and_equals_runtime_row_by_row(int n, int chunk, int calls)
    {
        using var model = OnnxModel.Load(MatMulAddSigmoid(), ["a", "b", "c"]);
        Assert.Null(model.TreeModel);
        Assert.Null(model.LinearModel);
        var box = model.AsBatchModel(RawFeatureCodec.For(model), maxRowsPerRun: chunk);
        Assert.Equal(["a", "b", "c"], box.InputNames);
        Assert.Equal(["0"], box.OutputNames);
        Assert.Equal("Y", box.ServedOutputName);
        Assert.Null(box.Link);
        Assert.Equal(0, box.RunCalls);

        var rows = RandomRows(n, 3, 5);
        var outputs = new double[n];
        box.Predict(rows, outputs);
        Assert.Equal(calls, box.RunCalls);
        Assert.Equal(n, box.RowsEvaluated);

        // ONNX Runtime one row per call, and the network by hand in float32.
        var single = model.AsBatchModel(RawFeatureCodec.For(model), maxRowsPerRun: 1);
        var one = new double[1];
        for (int r = 0; r < n; r++)
        {
            single.Predict(rows.AsSpan(r * 3, 3), one);
            Assert.Equal(one[0], outputs[r]);
            float z = (float)B;
            for (int c = 0; c < 3; c++)
            {
                z += (float)rows[(r * 3) + c] * (float)W[c];
            }

            Assert.Equal(Link.Logistic(z), outputs[r], 1e-6);
        }

        Assert.Equal(n, single.RunCalls);
    }

    [Fact]
    public void Black_box_is_thread_safe_and_counts_every_call()
    {
        using var model = OnnxModel.Load(MatMulAddSigmoid(), ["a", "b", "c"]);
        var box = model.AsBatchModel(RawFeatureCodec.For(model), maxRowsPerRun: 7);
        var rows = RandomRows(50, 3, 11);
        var expected = new double[50];
        box.Predict(rows, expected);
        box.ResetCounters();
        Parallel.For(0, 32, _ =>
        {
            var outputs = new double[50];
            box.Predict(rows, outputs);
            Assert.Equal(expected, outputs);
        });
        Assert.Equal(32 * 8, box.RunCalls);
        Assert.Equal(32 * 50, box.RowsEvaluated);
    }

    [Fact]
    public void Margin_of_a_graph_without_a_parsed_model_is_refused_with_the_reasons()
    {
        using var model = OnnxModel.Load(MatMulAddSigmoid(), ["a", "b", "c"]);
        var e = Assert.Throws<InvalidOperationException>(() => model.AsBatchModel(RawFeatureCodec.For(model), OutputSpace.Margin));
        Assert.Contains("no margin", e.Message, StringComparison.Ordinal);
        Assert.Contains("no linear model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void C22_black_box_serves_probability_0_622459_and_margin_0_5_at_1_2()
    {
        using var model = OnnxModel.Load(LinearModelTests.C22Model(oneRow: true), ["x0", "x1"]);
        var codec = RawFeatureCodec.For(model);
        var probability = model.AsBatchModel(codec);
        var margin = model.AsBatchModel(codec, OutputSpace.Margin);
        Assert.Equal(["1"], probability.OutputNames);
        Assert.Equal(["1"], margin.OutputNames);
        Assert.Equal(LinkFunction.Logistic, margin.Link);
        double[] rows = [1, 2, 1, 1, -1, -1];
        var p = new double[3];
        var m = new double[3];
        probability.Predict(rows, p);
        margin.Predict(rows, m);
        Assert.Equal([0.5, 1.5, -0.5], m.Select(v => Math.Round(v, 6)));
        Assert.Equal(0.622459, p[0], 1e-6);
        Assert.Equal(1, probability.RunCalls);

        // The linear node reads the graph input itself: its margin needs no runtime call, but the rows are still counted.
        Assert.Equal(0, margin.RunCalls);
        Assert.Equal(3, margin.RowsEvaluated);
    }

    [Fact]
    public void Titanic_text_inputs_through_the_codec_equal_RunServedOutput_and_the_linear_margin()
    {
        using var model = OnnxModel.Load(RuntimeCheck.Fixture(LinearModelTests.Titanic, "pipeline_titanic.onnx"));
        var rows = LinearModelTests.TitanicRows();
        // The 38 sample rows are all first class and embarked at C or S: the other categories come from the caller (a model card).
        var codec = RawFeatureCodec.For(model, rows, new Dictionary<string, IReadOnlyList<string>>
        {
            ["pclass"] = ["1", "2", "3"],
            ["embarked"] = ["C", "Q", "S", "missing"],
        });
        Assert.Equal(["pclass", "sex", "age", "fare", "embarked"], codec.FeatureNames);
        Assert.Equal(["1", "2", "3"], codec.Categories(0));
        Assert.Equal(["C", "Q", "S", "missing"], codec.Categories(4));
        Assert.False(codec.IsCategorical(2));

        var box = model.AsBatchModel(codec, maxRowsPerRun: 16);
        Assert.Equal(["0", "1"], box.OutputNames);
        Assert.Equal(LinkFunction.Logistic, box.Link);
        var encoded = codec.Encode(rows);
        var outputs = new double[rows.RowCount * 2];
        box.Predict(encoded, outputs);
        Assert.Equal(model.RunServedOutput(rows), outputs);
        Assert.Equal(3, box.RunCalls);
        Assert.Equal(38, box.RowsEvaluated);

        // Third class, embarked at Q: categories no sample row has, decoded to the strings the graph's one-hot encoders know.
        var variant = (double[])encoded.Clone();
        for (int r = 0; r < rows.RowCount; r++)
        {
            variant[r * 5] = 2;
            variant[(r * 5) + 4] = 1;
        }

        var decoded = codec.Decode(variant);
        Assert.Equal("3", decoded[0, 0].Text);
        Assert.Equal("Q", decoded[0, 4].Text);
        var third = new double[outputs.Length];
        box.Predict(variant, third);
        Assert.Equal(model.RunServedOutput(decoded), third);
        Assert.NotEqual(outputs[1], third[1]);

        var margin = model.AsBatchModel(codec, OutputSpace.Margin).Predict(rows);
        var columns = model.ComputeColumns(rows);
        var expected = new double[2];
        for (int r = 0; r < rows.RowCount; r++)
        {
            model.LinearModel!.Evaluate(columns.AsSpan(r * 11, 11), expected);
            Assert.Equal(expected, margin.AsSpan(r * 2, 2).ToArray());
            Assert.Equal(outputs[(r * 2) + 1], Link.Logistic(margin[(r * 2) + 1]), 1e-5);
        }
    }

    [Fact]
    public void Unseen_category_is_an_input_error_naming_feature_and_category()
    {
        using var model = OnnxModel.Load(RuntimeCheck.Fixture(LinearModelTests.Titanic, "pipeline_titanic.onnx"));
        var codec = RawFeatureCodec.For(model, LinearModelTests.TitanicRows());
        var row = new FeatureTable(LinearModelTests.TitanicInputs,
            [FeatureValue.Of("1"), FeatureValue.Of("female"), FeatureValue.Of(30), FeatureValue.Of(10), FeatureValue.Of("Southampton")]);
        var e = Assert.Throws<InputException>(() => codec.Encode(row));
        Assert.Equal("embarked", e.FeatureName);
        Assert.Contains("'Southampton'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'S'", e.Message, StringComparison.Ordinal);

        var number = Assert.Throws<InputException>(() => codec.Encode(0, FeatureValue.Of(1)));
        Assert.Equal("pclass", number.FeatureName);
        var code = Assert.Throws<InputException>(() => codec.Decode(1, 2));
        Assert.Contains("not one of 0..1", code.Message, StringComparison.Ordinal);
        Assert.Equal(FeatureValue.Missing, codec.Decode(4, double.NaN));
    }

    [Fact]
    public void Codec_that_does_not_fit_the_model_inputs_is_refused()
    {
        using var model = OnnxModel.Load(MatMulAddSigmoid(), ["a", "b", "c"]);
        var codec = new RawFeatureCodec(["a", "b", "d"], new HashSet<string>());
        var e = Assert.Throws<InputException>(() => model.AsBatchModel(codec));
        Assert.Contains("missing 'c'", e.Message, StringComparison.Ordinal);
        Assert.Contains("not model inputs 'd'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credit_tree_model_with_text_features_through_the_codec_equals_RunServedOutput_and_its_margin_the_ensemble()
    {
        string path = RepoRoot.ShippedModel("credit-risk", "background.csv");
        var background = CsvTableReader.Parse(File.ReadAllText(path), path, new HashSet<string> { "class" });
        using var model = OnnxModel.Load(RepoRoot.ShippedModel("credit-risk", "model.onnx"));
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel);
        var codec = RawFeatureCodec.For(model, background);
        Assert.Equal(20, codec.FeatureCount);
        Assert.Contains(Enumerable.Range(0, 20), codec.IsCategorical);

        var box = model.AsBatchModel(codec, maxRowsPerRun: 64);
        // ONNX Runtime sums the trees in an order that depends on the batch size, so the reference runs the same chunks.
        var served = box.Predict(background);
        Assert.Equal(model.RunServedOutput(background, allowExtraColumns: true, batchSize: 64), served);
        Assert.Equal(4, box.RunCalls);
        Assert.Equal(200, box.RowsEvaluated);
        Assert.Equal(tree.OutputNames, box.OutputNames);

        var marginBox = model.AsBatchModel(codec, OutputSpace.Margin, maxRowsPerRun: 64);
        var margin = marginBox.Predict(background);
        var columns = model.ComputeColumns(background, allowExtraColumns: true);
        int m = tree.Ensemble.FeatureCount, k = tree.Ensemble.OutputCount;
        var expected = new double[k];
        var linked = new double[k];
        for (int r = 0; r < background.RowCount; r++)
        {
            tree.Ensemble.Evaluate(columns.AsSpan(r * m, m), expected);
            Assert.Equal(expected, margin.AsSpan(r * k, k).ToArray());
            Link.Apply(tree.Link, expected, linked);
            for (int o = 0; o < k; o++)
            {
                Assert.Equal(served[(r * k) + o], linked[o], 1e-5);
            }
        }
    }

    [Fact]
    public void Output_name_selects_another_graph_output_read_by_column_and_an_unknown_one_is_refused()
    {
        using var model = OnnxModel.Load(LinearModelTests.C22Model(oneRow: true), ["x0", "x1"]);
        var codec = RawFeatureCodec.For(model);
        var labels = model.AsBatchModel(codec, outputName: "label");
        Assert.Equal(["0"], labels.OutputNames);
        Assert.Null(labels.Link);
        var outputs = new double[2];
        labels.Predict([1, 2, -1, 1], outputs);
        Assert.Equal([1.0, 0.0], outputs);

        var e = Assert.Throws<ArgumentException>(() => model.AsBatchModel(codec, outputName: "logits"));
        Assert.Contains("'logits' is not an output of the model", e.Message, StringComparison.Ordinal);
        Assert.Contains("'probabilities'", e.Message, StringComparison.Ordinal);
    }
}
