using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Views.Projection;

namespace Explainability.Views;

/// <summary>
/// SHAP values of the explained output over a model's reference data (its background rows), with each row's factor into
/// the probability unit a view rescales to: the input of the portfolio picture (<see cref="GlobalImportance"/>). Computed
/// once per loaded model by the server and passed to views through <see cref="ExplanationContext.Reference"/>. Immutable.
/// </summary>
public sealed record ReferenceAttributions
{
    /// <summary>Number of reference rows explained.</summary>
    public required int RowCount { get; init; }

    /// <summary>Raw feature names, the model card's features in order, <c>[features]</c>.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>SHAP values of the explained output in the explanation's own space, <c>[rows, features]</c> row-major.</summary>
    public required IReadOnlyList<double> Phi { get; init; }

    /// <summary>Per row, the factor <see cref="RescaleToProbability"/> would multiply that row's values by when a view shows
    /// probability points (<see cref="RescaleToProbability.ScaleOf"/>), <c>[rows]</c>; all 1 when the link has no probability.</summary>
    public required IReadOnlyList<double> ProbabilityScale { get; init; }

    /// <summary>The explainer, e.g. <c>tree_path_dependent</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Which rows were explained, in words (<c>200 background rows of the model card</c>).</summary>
    public required string Source { get; init; }

    /// <summary>The reference attributions of output <paramref name="output"/> of <paramref name="explanation"/>.</summary>
    /// <param name="explanation">The explanation of the reference rows.</param>
    /// <param name="output">The explained output (<see cref="ExplanationContext.PositiveOutput"/>).</param>
    /// <param name="source">Which rows were explained, in words.</param>
    /// <exception cref="ArgumentOutOfRangeException">The output is out of range.</exception>
    public static ReferenceAttributions From(Explanation explanation, int output, string source)
    {
        var e = explanation;
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(output, e.OutputCount);
        var phi = new double[e.RowCount * e.FeatureCount];
        var scale = new double[e.RowCount];
        var bases = new double[e.OutputCount];
        var outputs = new double[e.OutputCount];
        for (int r = 0; r < e.RowCount; r++)
        {
            for (int f = 0; f < e.FeatureCount; f++)
            {
                phi[(r * e.FeatureCount) + f] = e.Phi(r, f, output);
            }

            for (int k = 0; k < e.OutputCount; k++)
            {
                bases[k] = e.Base(r, k);
                outputs[k] = e.Output(r, k);
            }

            // The same factor the single-case view uses (RescaleToProbability.Apply), row by row.
            scale[r] = e.Link == LinkFunction.Identity ? 1
                : e.OutputSpace == OutputSpace.Probability ? (Units.IsProbability(e.Link) ? 100 : 1)
                : RescaleToProbability.ScaleOf(e.Link, bases, outputs, output).Scale;
        }

        return new ReferenceAttributions
        {
            RowCount = e.RowCount,
            FeatureNames = e.FeatureNames,
            Phi = phi,
            ProbabilityScale = scale,
            Method = e.Method,
            Source = string.IsNullOrEmpty(source) ? e.RowCount.ToString(CultureInfo.InvariantCulture) + " reference rows" : source,
        };
    }
}
