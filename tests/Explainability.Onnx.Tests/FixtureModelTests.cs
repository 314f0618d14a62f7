using System.Text.Json;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Onnx.Tests.Support;

namespace Explainability.Onnx.Tests;

/// <summary>The real model files under Fixtures/ (licences in their READMEs), checked against ONNX Runtime.</summary>
public class FixtureModelTests
{
    internal static readonly string[] IrisNames = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

    internal static (double[][] Rows, double[] Expected) MooseSamples(string folder)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RuntimeCheck.Fixture(folder, "expected_outputs.json")));
        var rows = doc.RootElement.GetProperty("input").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var expected = doc.RootElement.GetProperty("expected").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return (rows, expected);
    }

    internal static double[][] IrisRows(int count, int features = 4)
    {
        var rng = new Random(17);
        double[] lo = [4.3, 2.0, 1.0, 0.1], hi = [7.9, 4.4, 6.9, 2.5];
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, features).Select(f => Math.Round(lo[f] + (rng.NextDouble() * (hi[f] - lo[f])), 1)).ToArray())];
    }

    [Theory]
    [InlineData("moose_gradient_boosting_regressor", "gradient_boosting_regressor.onnx")]
    [InlineData("moose_xgboost_regressor", "xgboost_regressor.onnx")]
    public void Evaluator_matches_runtime_and_upstream_values_on_moose_regressors_including_NaN_rows(string folder, string file)
    {
        using var model = OnnxModel.Load(RuntimeCheck.Fixture(folder, file), ["a", "b", "c", "d"]);
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel);
        Assert.Equal("TreeEnsembleRegressor", tree.EnsembleOpType);
        Assert.Equal(LinkFunction.Identity, tree.Link);
        Assert.Equal(2, tree.Ensemble.TreeCount);
        Assert.Equal([0, 1, 2, 3], tree.FeatureMap.ColumnToFeature);
        Assert.Equal(["a", "b", "c", "d"], model.RawFeatureNames);

        var (rows, expected) = MooseSamples(folder);
        var ours = RuntimeCheck.Evaluate(model, RuntimeCheck.Table(model.RawFeatureNames, rows));
        for (int r = 0; r < rows.Length; r++)
        {
            Assert.Equal(expected[r], ours[r], 1e-5 * Math.Abs(expected[r]));
        }

        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(model.RawFeatureNames, RuntimeCheck.WithNaN(rows)));
    }

    [Fact]
    public void Xgboost_fixture_keeps_its_float32_base_value_and_missing_tracks()
    {
        using var model = OnnxModel.Load(RuntimeCheck.Fixture("moose_xgboost_regressor", "xgboost_regressor.onnx"));
        var e = model.TreeModel!.Ensemble;
        Assert.Equal((double)0.1f, e.BaseValues[0]);
        Assert.Equal(12, e.MissingTracksTrue.Count(b => b));
        Assert.All(Enumerable.Range(0, e.NodeCount).Where(n => e.Mode[n] != Core.Trees.NodeMode.Leaf), n => Assert.Equal(Core.Trees.NodeMode.BranchLt, e.Mode[n]));
        Assert.Equal(["float_input[0]", "float_input[1]", "float_input[2]", "float_input[3]"], model.RawFeatureNames);
        Assert.Null(e.Covers);
    }

    [Fact]
    public void Evaluator_matches_runtime_on_mlnet_fasttree_with_csv_rows_and_neutral_target_input()
    {
        string csv = File.ReadAllText(RuntimeCheck.Fixture("mlnet_fasttree_regressor", "generated_regression_dataset_input.csv")).Replace(';', ',');
        var table = CsvTableReader.Parse(csv, "generated_regression_dataset_input.csv");
        var names = table.Columns.Where(c => c != "target").ToArray();
        using var model = OnnxModel.Load(RuntimeCheck.Fixture("mlnet_fasttree_regressor", "FastTreeRegressionTrainer.onnx"), names);
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel);
        Assert.Equal(100, tree.Ensemble.TreeCount);
        Assert.Equal(3900, tree.Ensemble.NodeCount);
        Assert.Equal("Score.output", tree.ServedOutputName);
        Assert.Equal(names, model.RawFeatureNames);
        var target = Assert.Single(model.Inputs, i => i.Name == "Target");
        Assert.False(target.IsFeature);
        Assert.True(Assert.Single(model.Inputs, i => i.Name == "FeatureVector").IsFeature);

        // The CSV's own 'target' column is not an input: rows are passed without it, Target gets a neutral 0.
        var rows = Enumerable.Range(0, table.RowCount).Select(r => names.Select(n => table[r, table.IndexOf(n)].Number).ToArray()).ToArray();
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(names, rows));
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(names, RuntimeCheck.WithNaN(rows.Take(20).ToArray())));
    }

    [Fact]
    public void Evaluator_matches_runtime_on_rf_iris_including_NaN_rows_read_from_zipmap_by_label()
    {
        using var model = OnnxModel.Load(RuntimeCheck.Fixture("skl2onnx_rf_iris_multiclass", "rf_iris.onnx"), IrisNames);
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel);
        Assert.Equal("TreeEnsembleClassifier", tree.EnsembleOpType);
        Assert.Equal(["0", "1", "2"], tree.OutputNames);
        Assert.Equal("output_probability", tree.ServedOutputName);
        Assert.Equal(LinkFunction.Identity, tree.Link);
        Assert.Equal(100, tree.Ensemble.TreeCount);
        Assert.Equal(1244, tree.Ensemble.NodeCount);
        RuntimeCheck.AssertMatchesRuntime(model, RuntimeCheck.Table(IrisNames, RuntimeCheck.WithNaN(IrisRows(60))));
    }

    [Fact]
    public void Evaluator_matches_runtime_on_lightgbm_pipeline_with_scaler_before_the_trees()
    {
        string[] names = ["sepal_length", "sepal_width"];
        using var model = OnnxModel.Load(RuntimeCheck.Fixture("skl2onnx_lightgbm_pipeline_iris", "pipeline_lightgbm.onnx"), names);
        var tree = Assert.IsType<OnnxTreeModel>(model.TreeModel);
        Assert.Equal(LinkFunction.Softmax, tree.Link);
        Assert.Equal(9, tree.Ensemble.TreeCount);
        Assert.Equal(3, tree.Ensemble.OutputCount);
        Assert.Equal([0, 1], tree.FeatureMap.ColumnToFeature);
        Assert.Equal(names, tree.FeatureMap.FeatureNames);
        Assert.Equal(22, tree.Ensemble.MissingTracksTrue.Count(b => b));

        // The columns are the scaler's output, not the raw values: ONNX Runtime computed them.
        var rows = RuntimeCheck.WithNaN(IrisRows(40, 2));
        var table = RuntimeCheck.Table(names, rows);
        var columns = model.ComputeColumns(table);
        Assert.NotEqual(rows[0][0], columns[0]);
        RuntimeCheck.AssertMatchesRuntime(model, table);
    }

    [Fact]
    public void Titanic_linear_pipeline_is_refused_as_no_tree_ensemble_but_its_columns_map_to_the_five_raw_inputs()
    {
        using var model = OnnxModel.Load(RuntimeCheck.Fixture("skl2onnx_titanic_logreg_pipeline", "pipeline_titanic.onnx"));
        Assert.Null(model.TreeModel);
        Assert.Contains("no tree ensemble", model.TreeModelUnavailableReason, StringComparison.Ordinal);
        Assert.Contains("LinearClassifier", model.TreeModelUnavailableReason, StringComparison.Ordinal);
        Assert.Equal(["pclass", "sex", "age", "fare", "embarked"], model.Inputs.Select(i => i.Name));
        Assert.All(model.Inputs, i => Assert.True(i.IsPerColumn));

        // The LinearClassifier reads 11 encoded columns: one-hot pclass (3), sex (2), embarked (4), imputed+scaled age, fare.
        var proto = Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(RuntimeCheck.Fixture("skl2onnx_titanic_logreg_pipeline", "pipeline_titanic.onnx")));
        var linear = proto.Graph.Node.Single(n => n.OpType == "LinearClassifier");
        var deps = model.DependenciesOf(linear.Input[0]);
        Assert.NotNull(deps);
        Assert.Equal(11, deps.Length);
        Assert.All(deps, d => Assert.Single(d));
        var counts = deps.GroupBy(d => model.RawFeatureNames[d[0]]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, counts["age"]);
        Assert.Equal(1, counts["fare"]);
        Assert.Equal(3, counts["pclass"]);
        Assert.Equal(2, counts["sex"]);
        Assert.Equal(4, counts["embarked"]);
    }

    [Fact]
    public void Sha256_is_the_hex_digest_of_the_file()
    {
        string path = RuntimeCheck.Fixture("skl2onnx_rf_iris_multiclass", "rf_iris.onnx");
        using var model = OnnxModel.Load(path);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), model.Sha256);
        Assert.StartsWith("11646bde97b0b0f9", model.Sha256, StringComparison.Ordinal);
    }
}
