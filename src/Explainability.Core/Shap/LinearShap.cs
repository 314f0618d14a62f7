using System.Globalization;
using System.Security.Cryptography;
using Explainability.Core.Explanations;

namespace Explainability.Core.Shap;

/// <summary>
/// Exact SHAP values of a linear model in margin space under feature independence (interventional):
/// <c>phi_p = sum over columns c of player p of w[o, c] (x_c - E[x_c])</c>, base <c>w[o] . E[x] + b[o]</c>, with the
/// expectation over a background dataset (Lundberg and Lee, "A unified approach to interpreting model predictions",
/// NeurIPS 2017, Corollary 1). A sum of one-player terms has the terms as its Shapley values, so grouping columns into
/// players (a one-hot encoded feature) sums their terms.
/// </summary>
/// <remarks>The explanation is in margin space (log-odds for a logistic classifier), labelled so; the link is recorded,
/// never applied. Probability-space values of a linear classifier are not sums of these terms: compute them with
/// <see cref="ExactShap"/> or <see cref="KernelShap"/> on the probability outputs (casebook C22).</remarks>
public static class LinearShap
{
    /// <summary>Explains <paramref name="rows"/>.</summary>
    /// <param name="weights">Coefficients, <c>[outputs, columns]</c> row-major.</param>
    /// <param name="intercepts">Intercepts, <c>[outputs]</c>, in margin space.</param>
    /// <param name="link">The model's link from margin to served output (recorded, not applied).</param>
    /// <param name="background">Background rows, <c>[rows, columns]</c>, whose column means are E[x].</param>
    /// <param name="rows">Rows to explain, <c>[rows, columns]</c>.</param>
    /// <param name="featureNames">Raw feature names, <c>[F]</c>, F at most the player count; players beyond F (columns that
    /// depend on no feature) are dropped from the explanation.</param>
    /// <param name="outputNames">Output names, <c>[outputs]</c>.</param>
    /// <param name="columnToPlayer">The player of each column, <c>[columns]</c>; null: column i is player i.</param>
    /// <param name="playerCount">Number of players; -1 for <c>max(columnToPlayer) + 1</c> (or the column count).</param>
    /// <returns>Method <c>linear</c>, margin space: SHAP values <c>[rows, features, outputs]</c>, base values and margins
    /// <c>w . x + b</c> <c>[rows, outputs]</c>, residuals.</returns>
    /// <exception cref="ArgumentException">The shapes disagree (the message names the array, its length and the expected
    /// one), the background is empty, or a column maps outside <c>0..playerCount-1</c>.</exception>
    public static Explanation Explain(
        double[] weights,
        double[] intercepts,
        LinkFunction link,
        ReadOnlySpan<double> background,
        ReadOnlySpan<double> rows,
        IReadOnlyList<string> featureNames,
        IReadOnlyList<string> outputNames,
        int[]? columnToPlayer = null,
        int playerCount = -1)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(intercepts);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(outputNames);
        int outputs = intercepts.Length;
        if (outputs == 0 || weights.Length % outputs != 0 || weights.Length == 0)
        {
            throw new ArgumentException($"{weights.Length} weights is not a whole number of rows [outputs, columns] for {outputs} intercepts", nameof(weights));
        }

        int columns = weights.Length / outputs;
        if (outputNames.Count != outputs)
        {
            throw new ArgumentException($"{outputNames.Count} output names for {outputs} outputs", nameof(outputNames));
        }

        if (background.Length == 0 || background.Length % columns != 0)
        {
            throw new ArgumentException($"the background must hold at least one row of {columns} values; got {background.Length} values", nameof(background));
        }

        if (rows.Length % columns != 0)
        {
            throw new ArgumentException($"{rows.Length} values is not a whole number of rows of {columns} columns", nameof(rows));
        }

        columnToPlayer ??= Enumerable.Range(0, columns).ToArray();
        if (columnToPlayer.Length != columns)
        {
            throw new ArgumentException($"the player map has {columnToPlayer.Length} columns, the weights {columns}", nameof(columnToPlayer));
        }

        if (playerCount < 0)
        {
            playerCount = columnToPlayer.Max() + 1;
        }

        if (columnToPlayer.Any(p => (uint)p >= (uint)playerCount))
        {
            throw new ArgumentException($"a column maps to a player outside 0..{playerCount - 1}", nameof(columnToPlayer));
        }

        int features = featureNames.Count;
        if (features > playerCount)
        {
            throw new ArgumentException($"{features} feature names for {playerCount} players", nameof(featureNames));
        }

        int backgroundRows = background.Length / columns;
        var mean = new double[columns];
        for (int b = 0; b < backgroundRows; b++)
        {
            for (int c = 0; c < columns; c++)
            {
                mean[c] += background[(b * columns) + c];
            }
        }

        for (int c = 0; c < columns; c++)
        {
            mean[c] /= backgroundRows;
        }

        var expected = new double[outputs];
        for (int o = 0; o < outputs; o++)
        {
            expected[o] = intercepts[o];
            for (int c = 0; c < columns; c++)
            {
                expected[o] += weights[(o * columns) + c] * mean[c];
            }
        }

        int n = rows.Length / columns;
        var shap = new double[n * features * outputs];
        var baseValues = new double[n * outputs];
        var margins = new double[n * outputs];
        for (int r = 0; r < n; r++)
        {
            var x = rows.Slice(r * columns, columns);
            for (int o = 0; o < outputs; o++)
            {
                double margin = intercepts[o];
                for (int c = 0; c < columns; c++)
                {
                    double w = weights[(o * columns) + c];
                    margin += w * x[c];
                    int p = columnToPlayer[c];
                    if (p < features)
                    {
                        shap[(((r * features) + p) * outputs) + o] += w * (x[c] - mean[c]);
                    }
                }

                margins[(r * outputs) + o] = margin;
                baseValues[(r * outputs) + o] = expected[o];
            }
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model_output"] = "margin",
            ["feature_perturbation"] = MethodNames.Interventional,
            ["players"] = playerCount.ToString(CultureInfo.InvariantCulture),
            ["background_rows"] = backgroundRows.ToString(CultureInfo.InvariantCulture),
            ["background_sha256"] = Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(background))),
        };
        return new Explanation
        {
            FeatureNames = featureNames,
            OutputNames = outputNames,
            OutputSpace = OutputSpace.Margin,
            Link = link,
            Method = MethodNames.Linear,
            Parameters = parameters,
            RowCount = n,
            ShapValues = shap,
            BaseValues = baseValues,
            ModelOutputs = margins,
            AdditivityResiduals = Explanation.Residuals(n, features, outputs, shap, baseValues, margins),
        };
    }
}
