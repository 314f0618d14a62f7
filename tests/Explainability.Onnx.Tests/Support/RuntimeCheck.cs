using Explainability.Core.Data;
using Explainability.Core.Explanations;

namespace Explainability.Onnx.Tests.Support;

/// <summary>Checks the parsed tree model against ONNX Runtime on the same rows.</summary>
internal static class RuntimeCheck
{
    /// <summary>Evaluates <c>Link(Ensemble(columns) + offset)</c> for every row, <c>[rows, outputs]</c>.</summary>
    public static double[] Evaluate(OnnxModel model, FeatureTable rows)
    {
        var tree = model.TreeModel ?? throw new InvalidOperationException(model.TreeModelUnavailableReason);
        var columns = model.ComputeColumns(rows, allowExtraColumns: true);
        var offsets = model.ComputeOffsets(rows, allowExtraColumns: true);
        int m = tree.Ensemble.FeatureCount, k = tree.Ensemble.OutputCount;
        var result = new double[rows.RowCount * k];
        var margin = new double[k];
        for (int r = 0; r < rows.RowCount; r++)
        {
            tree.Ensemble.Evaluate(columns.AsSpan(r * m, m), margin);
            for (int o = 0; offsets is not null && o < k; o++)
            {
                margin[o] += offsets[(r * k) + o];
            }

            Link.Apply(tree.Link, margin, result.AsSpan(r * k, k));
        }

        return result;
    }

    /// <summary>Asserts that the evaluator equals ONNX Runtime's served output to <paramref name="relative"/>.</summary>
    public static void AssertMatchesRuntime(OnnxModel model, FeatureTable rows, double relative = 1e-5)
    {
        var ours = Evaluate(model, rows);
        var ort = model.RunServedOutput(rows, allowExtraColumns: true);
        Assert.Equal(ort.Length, ours.Length);

        // The single runtime call the service makes gives the same columns, offsets and served values.
        var single = model.ComputeTreeRuntimeValues(rows, allowExtraColumns: true);
        Assert.Equal(model.ComputeColumns(rows, allowExtraColumns: true), single.Columns);
        Assert.Equal(model.ComputeOffsets(rows, allowExtraColumns: true), single.Offsets);
        Assert.Equal(ort, single.Served);
        int k = model.TreeModel!.OutputNames.Count;
        for (int i = 0; i < ours.Length; i++)
        {
            double tolerance = (relative * Math.Max(Math.Abs(ours[i]), Math.Abs(ort[i]))) + 1e-7;
            Assert.True(Math.Abs(ours[i] - ort[i]) <= tolerance,
                $"row {i / k}, output {model.TreeModel.OutputNames[i % k]}: evaluator {ours[i]:R}, ONNX Runtime {ort[i]:R}");
        }
    }

    /// <summary>A table of numeric rows.</summary>
    public static FeatureTable Table(IReadOnlyList<string> columns, params double[][] rows) =>
        new(columns, [.. rows.SelectMany(r => r.Select(FeatureValue.Of))]);

    /// <summary>The rows plus, for each row and each column, a copy with that column set to NaN.</summary>
    public static double[][] WithNaN(params double[][] rows)
    {
        var result = new List<double[]>(rows);
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                var copy = (double[])row.Clone();
                copy[c] = double.NaN;
                result.Add(copy);
            }
        }

        result.Add([.. rows[0].Select(_ => double.NaN)]);
        return [.. result];
    }

    public static string Fixture(string folder, string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", folder, file);
}
