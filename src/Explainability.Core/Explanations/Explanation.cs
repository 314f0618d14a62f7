namespace Explainability.Core.Explanations;

/// <summary>
/// A full-fidelity explanation of a batch of rows: what the core computes and every audience view is projected from.
/// Arrays are row-major; <c>R</c> rows, <c>F</c> raw features, <c>O</c> outputs.
/// </summary>
/// <remarks>Additivity: for every row r and output o,
/// <c>BaseValues[r, o] + sum over f of ShapValues[r, f, o] = ModelOutputs[r, o]</c> up to <see cref="AdditivityResiduals"/>.</remarks>
public sealed record Explanation
{
    /// <summary>Raw feature names, <c>[F]</c>.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Output names (class labels or target indices), <c>[O]</c>.</summary>
    public required IReadOnlyList<string> OutputNames { get; init; }

    /// <summary>The space <see cref="ShapValues"/>, <see cref="BaseValues"/> and <see cref="ModelOutputs"/> are in.</summary>
    public required OutputSpace OutputSpace { get; init; }

    /// <summary>The link from margin to the model's served output.</summary>
    public required LinkFunction Link { get; init; }

    /// <summary>Explainer name: <c>tree_path_dependent</c>, <c>interventional</c>, ...</summary>
    public required string Method { get; init; }

    /// <summary>Everything needed to reproduce the numbers: covers source, background size and hash, seed, zero-cover rule, ...</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>Number of rows.</summary>
    public required int RowCount { get; init; }

    /// <summary>SHAP values, <c>[R, F, O]</c>.</summary>
    public required double[] ShapValues { get; init; }

    /// <summary>Base (expected) values, <c>[R, O]</c>.</summary>
    public required double[] BaseValues { get; init; }

    /// <summary>The explained model output in <see cref="OutputSpace"/>, <c>[R, O]</c>, computed by the explainer in double.</summary>
    public required double[] ModelOutputs { get; init; }

    /// <summary><c>ModelOutputs - BaseValues - sum(ShapValues)</c>, <c>[R, O]</c>.</summary>
    public required double[] AdditivityResiduals { get; init; }

    /// <summary>Standard errors of sampled SHAP values, <c>[R, F, O]</c>, or null for exact methods.</summary>
    public double[]? StandardErrors { get; init; }

    /// <summary>Number of raw features.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Number of outputs.</summary>
    public int OutputCount => OutputNames.Count;

    /// <summary>SHAP value of feature <paramref name="f"/> for output <paramref name="o"/> of row <paramref name="r"/>.</summary>
    public double Phi(int r, int f, int o) => ShapValues[(((r * FeatureCount) + f) * OutputCount) + o];

    /// <summary>Base value of row <paramref name="r"/>, output <paramref name="o"/>.</summary>
    public double Base(int r, int o) => BaseValues[(r * OutputCount) + o];

    /// <summary>Model output of row <paramref name="r"/>, output <paramref name="o"/>.</summary>
    public double Output(int r, int o) => ModelOutputs[(r * OutputCount) + o];

    /// <summary>Computes the additivity residuals <c>[R, O]</c> for the given arrays.</summary>
    public static double[] Residuals(int rows, int features, int outputs, double[] shap, double[] baseValues, double[] modelOutputs)
    {
        var res = new double[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = baseValues[(r * outputs) + o];
                for (int f = 0; f < features; f++)
                {
                    sum += shap[(((r * features) + f) * outputs) + o];
                }

                res[(r * outputs) + o] = modelOutputs[(r * outputs) + o] - sum;
            }
        }

        return res;
    }
}
