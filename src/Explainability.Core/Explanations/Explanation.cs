namespace Explainability.Core.Explanations;

/// <summary>
/// A full-fidelity explanation of a batch of rows: what the core computes and every audience view is projected from.
/// Arrays are row-major; <c>R</c> rows, <c>F</c> raw features, <c>O</c> outputs.
/// </summary>
/// <remarks>Additivity: for every row r and output o,
/// <c>BaseValues[r, o] + sum over f of ShapValues[r, f, o] + Offsets[r, o] = ModelOutputs[r, o]</c> up to
/// <see cref="AdditivityResiduals"/>, where the offset term is 0 when <see cref="Offsets"/> is null. A per-row offset (an
/// XGBoost <c>base_margin</c>, a LightGBM <c>init_score</c>, a log exposure: a graph input added to the margin) is reported as
/// its own term, never folded into the row-independent base value (casebook C11).</remarks>
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

    /// <summary><c>ModelOutputs - BaseValues - sum(ShapValues) - Offsets</c>, <c>[R, O]</c>.</summary>
    public required double[] AdditivityResiduals { get; init; }

    /// <summary>
    /// Per-row additive offsets in <see cref="OutputSpace"/>, <c>[R, O]</c>: the part of <see cref="ModelOutputs"/> that comes
    /// from model inputs added to the margin after the trees (e.g. log exposure, <c>base_margin</c>), already signed and
    /// broadcast to each output; or null when the model has none. Not a SHAP value of any feature and not part of
    /// <see cref="BaseValues"/>: it is the separate term of the additivity identity.
    /// </summary>
    public double[]? Offsets { get; init; }

    /// <summary>Names of the model inputs the <see cref="Offsets"/> are read from, or null when there are none.</summary>
    public IReadOnlyList<string>? OffsetInputs { get; init; }

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

    /// <summary>Offset of row <paramref name="r"/>, output <paramref name="o"/>; 0 when the explanation has no offsets.</summary>
    public double Offset(int r, int o) => Offsets is null ? 0 : Offsets[(r * OutputCount) + o];

    /// <summary>Computes the additivity residuals <c>[R, O]</c>: <c>modelOutputs - baseValues - sum(shap) - offsets</c>.</summary>
    /// <param name="rows">R.</param>
    /// <param name="features">F.</param>
    /// <param name="outputs">O.</param>
    /// <param name="shap">SHAP values, <c>[R, F, O]</c>.</param>
    /// <param name="baseValues">Base values, <c>[R, O]</c>.</param>
    /// <param name="modelOutputs">Model outputs, <c>[R, O]</c>.</param>
    /// <param name="offsets">Per-row offsets, <c>[R, O]</c>, or null for none.</param>
    public static double[] Residuals(int rows, int features, int outputs, double[] shap, double[] baseValues, double[] modelOutputs, double[]? offsets = null)
    {
        var res = new double[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = baseValues[(r * outputs) + o] + (offsets is null ? 0 : offsets[(r * outputs) + o]);
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
