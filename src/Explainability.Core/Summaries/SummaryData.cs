using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Core.Shap;

namespace Explainability.Core.Summaries;

/// <summary>
/// What a global summary is computed from: one output's SHAP values of a set of rows, the rows' raw feature values and,
/// optionally, the rows' SHAP interaction values of some features. Arrays are row-major; <c>R</c> rows, <c>F</c> raw
/// features, <c>K</c> conditioned features. Immutable.
/// </summary>
public sealed record SummaryData
{
    /// <summary>Raw feature names, <c>[F]</c>.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>The summarized output (class label or target name).</summary>
    public required string OutputName { get; init; }

    /// <summary>The space of the SHAP and interaction values.</summary>
    public required OutputSpace OutputSpace { get; init; }

    /// <summary>The explainer that produced the SHAP values (<c>tree_path_dependent</c>, ...).</summary>
    public required string Method { get; init; }

    /// <summary>Number of rows, <c>R</c>.</summary>
    public required int RowCount { get; init; }

    /// <summary>SHAP values of the output, <c>[R, F]</c>, in <see cref="OutputSpace"/>.</summary>
    public required double[] Shap { get; init; }

    /// <summary>Raw feature values, <c>[R, F]</c>: a number (NaN missing) or a category text.</summary>
    public required FeatureValue[] Values { get; init; }

    /// <summary>The features whose interaction matrix rows are in <see cref="Interactions"/>, <c>[K]</c>; empty for none.</summary>
    public IReadOnlyList<int> Conditioned { get; init; } = [];

    /// <summary>SHAP interaction values of the output, <c>[R, K, F]</c> (<see cref="ShapInteractionValues"/>), or null.</summary>
    public double[]? Interactions { get; init; }

    /// <summary>SHAP value of feature <paramref name="f"/> in row <paramref name="r"/>.</summary>
    public double Phi(int r, int f) => Shap[(r * FeatureNames.Count) + f];

    /// <summary>
    /// The data of output <paramref name="output"/> of <paramref name="explanation"/>, with the feature values of
    /// <paramref name="inputs"/> (bound by feature name; other columns are ignored) and the interaction values, if any.
    /// </summary>
    /// <param name="explanation">SHAP values <c>[R, F, O]</c>.</param>
    /// <param name="output">Index of the summarized output.</param>
    /// <param name="inputs">The explained rows, <c>R</c> rows with a column per feature of the explanation.</param>
    /// <param name="interactions">Interaction values of the same rows and features, or null.</param>
    /// <exception cref="ArgumentException">The output index is out of range, the inputs lack a feature column or have another
    /// row count, or the interactions are of other rows or features.</exception>
    public static SummaryData From(Explanation explanation, int output, FeatureTable inputs, ShapInteractionValues? interactions = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(inputs);
        int n = explanation.RowCount, features = explanation.FeatureCount, outputs = explanation.OutputCount;
        if ((uint)output >= (uint)outputs)
        {
            throw new ArgumentException($"output index {output} is outside 0..{outputs - 1}", nameof(output));
        }

        if (inputs.RowCount != n)
        {
            throw new ArgumentException($"the inputs have {inputs.RowCount} rows, the explanation {n}", nameof(inputs));
        }

        var columns = new int[features];
        for (int f = 0; f < features; f++)
        {
            columns[f] = inputs.IndexOf(explanation.FeatureNames[f]);
            if (columns[f] < 0)
            {
                throw new ArgumentException($"the inputs have no column {MessageText.Quote(explanation.FeatureNames[f])}; expected one per explained feature", nameof(inputs));
            }
        }

        var shap = new double[n * features];
        var values = new FeatureValue[n * features];
        for (int r = 0; r < n; r++)
        {
            for (int f = 0; f < features; f++)
            {
                shap[(r * features) + f] = explanation.Phi(r, f, output);
                values[(r * features) + f] = inputs[r, columns[f]];
            }
        }

        double[]? pairs = null;
        IReadOnlyList<int> conditioned = [];
        if (interactions is not null)
        {
            if (interactions.RowCount != n || !interactions.FeatureNames.SequenceEqual(explanation.FeatureNames, StringComparer.Ordinal) || interactions.OutputNames.Count != outputs)
            {
                throw new ArgumentException($"the interaction values ({interactions.RowCount} rows, features {string.Join(", ", interactions.FeatureNames)}) are not of the explanation's {n} rows and features", nameof(interactions));
            }

            conditioned = interactions.Conditioned;
            int k = conditioned.Count;
            pairs = new double[n * k * features];
            for (int r = 0; r < n; r++)
            {
                for (int j = 0; j < k; j++)
                {
                    for (int i = 0; i < features; i++)
                    {
                        pairs[(((r * k) + j) * features) + i] = interactions.Value(r, j, i, output);
                    }
                }
            }
        }

        return new SummaryData
        {
            FeatureNames = explanation.FeatureNames,
            OutputName = explanation.OutputNames[output],
            OutputSpace = explanation.OutputSpace,
            Method = explanation.Method,
            RowCount = n,
            Shap = shap,
            Values = values,
            Conditioned = conditioned,
            Interactions = pairs,
        };
    }

    /// <summary>The rows of several parts (chunks of one dataset, in order) as one.</summary>
    /// <param name="parts">At least one part; all with the same features, output, space, method and conditioned features.</param>
    /// <exception cref="ArgumentException">No parts, or parts that disagree (the message names what).</exception>
    public static SummaryData Concat(IReadOnlyList<SummaryData> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("expected at least one part to concatenate", nameof(parts));
        }

        var first = parts[0];
        foreach (var p in parts)
        {
            if (!p.FeatureNames.SequenceEqual(first.FeatureNames, StringComparer.Ordinal) || p.OutputName != first.OutputName
                || p.OutputSpace != first.OutputSpace || p.Method != first.Method || !p.Conditioned.SequenceEqual(first.Conditioned)
                || (p.Interactions is null) != (first.Interactions is null))
            {
                throw new ArgumentException($"the parts disagree: features, output '{p.OutputName}' vs '{first.OutputName}', method '{p.Method}' vs '{first.Method}' or conditioned features differ", nameof(parts));
            }
        }

        return first with
        {
            RowCount = parts.Sum(p => p.RowCount),
            Shap = [.. parts.SelectMany(p => p.Shap)],
            Values = [.. parts.SelectMany(p => p.Values)],
            Interactions = first.Interactions is null ? null : [.. parts.SelectMany(p => p.Interactions!)],
        };
    }

    /// <summary>The given rows, in the given order.</summary>
    /// <param name="rows">Row indices into this data.</param>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside <c>0..R-1</c>.</exception>
    public SummaryData SelectRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int features = FeatureNames.Count, k = Conditioned.Count;
        var shap = new double[rows.Count * features];
        var values = new FeatureValue[rows.Count * features];
        var pairs = Interactions is null ? null : new double[rows.Count * k * features];
        for (int i = 0; i < rows.Count; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"expected row indices in 0..{RowCount - 1}");
            }

            Shap.AsSpan(r * features, features).CopyTo(shap.AsSpan(i * features));
            Values.AsSpan(r * features, features).CopyTo(values.AsSpan(i * features));
            Interactions?.AsSpan(r * k * features, k * features).CopyTo(pairs.AsSpan(i * k * features));
        }

        return this with { RowCount = rows.Count, Shap = shap, Values = values, Interactions = pairs };
    }
}
