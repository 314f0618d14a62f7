using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Explainability.Onnx.Tests.MlNet;

/// <summary>
/// Linear models trained with ML.NET and exported with Microsoft.ML.OnnxConverter (a one-hot encoder and a min-max
/// normalizer in front of the linear node, a calibrator after it): read as <see cref="OnnxLinearModel"/> on the raw
/// inputs, checked against ONNX Runtime and served as a black box.
/// </summary>
public class MlNetLinearTests
{
    private sealed class Row
    {
        public float Income { get; set; }

        public float Debt { get; set; }

        public string Region { get; set; } = "";

        public bool Label { get; set; }

        public float Amount { get; set; }
    }

    private static readonly string[] Regions = ["north", "south", "east"];

    private static List<Row> Rows(int count)
    {
        var rng = new Random(3);
        var rows = new List<Row>();
        for (int i = 0; i < count; i++)
        {
            float income = (float)Math.Round(rng.NextDouble() * 100, 2);
            float debt = (float)Math.Round(rng.NextDouble() * 50, 2);
            string region = Regions[rng.Next(3)];
            double z = (0.05 * income) - (0.08 * debt) + (region == "south" ? 1 : region == "east" ? -1 : 0) + (rng.NextDouble() - 0.5);
            rows.Add(new Row { Income = income, Debt = debt, Region = region, Label = z > 0.5, Amount = (float)((3 * income) - (2 * debt) + (region == "south" ? 10 : 0)) });
        }

        return rows;
    }

    private static byte[] Export(MLContext ml, ITransformer model, IDataView data)
    {
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(model, data, stream);
        return stream.ToArray();
    }

    private static FeatureTable Table(IEnumerable<Row> rows) =>
        new(["Income", "Debt", "Region"], [.. rows.SelectMany(r => new[] { FeatureValue.Of(r.Income), FeatureValue.Of(r.Debt), FeatureValue.Of(r.Region) })]);

    [Fact]
    public void MlNet_logistic_regression_behind_one_hot_and_min_max_normalizer_is_a_linear_model_on_the_raw_inputs()
    {
        var ml = new MLContext(seed: 1);
        var train = Rows(300);
        var data = ml.Data.LoadFromEnumerable(train);
        var pipeline = ml.Transforms.Categorical.OneHotEncoding("RegionOneHot", "Region")
            .Append(ml.Transforms.Concatenate("Features", "Income", "Debt", "RegionOneHot"))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression());
        var model = pipeline.Fit(data);
        using var onnx = OnnxModel.Load(Export(ml, model, ml.Data.LoadFromEnumerable(train.Select(r => new { r.Income, r.Debt, r.Region }))));

        var linear = Assert.IsType<OnnxLinearModel>(onnx.LinearModel, exactMatch: true);
        Assert.Equal(["Income", "Debt", "Region"], linear.FeatureMap.FeatureNames);
        Assert.Equal(5, linear.ColumnCount);
        Assert.Equal(LinkFunction.Logistic, linear.Link);

        // ML.NET writes the score as a LinearRegressor and its Platt calibrator as Mul / Add / Sigmoid after it: one output,
        // the positive class's probability (named by the regressor's target index).
        Assert.Equal("LinearRegressor", linear.OpType);
        Assert.Equal("Probability.output", linear.ServedOutputName);
        Assert.Equal(["0"], linear.OutputNames);
        Assert.Equal("dataflow", linear.ColumnMappingSource);
        Assert.Equal([0, 1, 2, 2, 2], linear.FeatureMap.ColumnToFeature);

        var rows = Table(train.Take(60));
        var agreement = onnx.VerifyAgainstRuntime(rows);
        Assert.True(agreement.Agrees, $"worst {agreement.MaxAbsoluteError} at row {agreement.WorstRow}: ours {agreement.Ours}, runtime {agreement.Runtime}");

        // ML.NET's own probabilities for the same rows.
        var predicted = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(train.Take(60))), reuseRowObject: false).ToList();
        var served = onnx.RunServedOutput(rows);
        int k = linear.OutputCount;
        for (int r = 0; r < 60; r++)
        {
            Assert.Equal(predicted[r].Probability, served[(r * k) + k - 1], 1e-5);
        }

        var box = onnx.AsBatchModel(RawFeatureCodec.For(onnx, rows), maxRowsPerRun: 25);
        Assert.Equal(served, box.Predict(rows));
        Assert.Equal(3, box.RunCalls);
    }

    [Fact]
    public void MlNet_sdca_regression_behind_one_hot_and_min_max_normalizer_is_a_linear_model_on_the_raw_inputs()
    {
        var ml = new MLContext(seed: 1);
        var train = Rows(300);
        var data = ml.Data.LoadFromEnumerable(train);
        var pipeline = ml.Transforms.Categorical.OneHotEncoding("RegionOneHot", "Region")
            .Append(ml.Transforms.Concatenate("Features", "Income", "Debt", "RegionOneHot"))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: "Amount", maximumNumberOfIterations: 50));
        var model = pipeline.Fit(data);
        using var onnx = OnnxModel.Load(Export(ml, model, ml.Data.LoadFromEnumerable(train.Select(r => new { r.Income, r.Debt, r.Region }))));

        var linear = Assert.IsType<OnnxLinearModel>(onnx.LinearModel, exactMatch: true);
        Assert.Equal(["Income", "Debt", "Region"], linear.FeatureMap.FeatureNames);
        Assert.Equal(LinkFunction.Identity, linear.Link);
        Assert.Equal([0, 1, 2, 2, 2], linear.FeatureMap.ColumnToFeature);
        var rows = Table(train.Take(60));
        var agreement = onnx.VerifyAgainstRuntime(rows);
        Assert.True(agreement.Agrees, $"worst {agreement.MaxAbsoluteError} at row {agreement.WorstRow}: ours {agreement.Ours}, runtime {agreement.Runtime}");
        var margin = onnx.AsBatchModel(RawFeatureCodec.For(onnx, rows), OutputSpace.Margin).Predict(rows);
        Assert.Equal(onnx.RunServedOutput(rows), margin.Select(v => (double)(float)v), new ToleranceComparer(1e-4));
    }

    private sealed class Prediction
    {
        public float Probability { get; set; }
    }

    private sealed class ToleranceComparer(double relative) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= relative * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));

        public int GetHashCode(double obj) => 0;
    }
}
