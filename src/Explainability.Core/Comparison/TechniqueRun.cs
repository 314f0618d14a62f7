using System.Globalization;
using Explainability.Core.Explanations;

namespace Explainability.Core.Comparison;

/// <summary>
/// One technique's explanation of the compared rows, with what it cost. Input of <see cref="TechniqueComparison.Compute"/>.
/// </summary>
/// <param name="Name">A name unique within the comparison (usually <see cref="Explanation.Method"/>; a distinct name when
/// one method runs twice, e.g. <c>kernel-2048</c> and <c>kernel-8192</c>).</param>
/// <param name="Explanation">The technique's explanation of the same rows, features and outputs as the others.</param>
/// <param name="WallTime">Wall-clock time the technique took for all rows.</param>
/// <param name="ModelEvaluations">Rows sent to the model (each row of each batch counts once); 0 for techniques that
/// read the model's structure instead of calling it (TreeSHAP, linear SHAP).</param>
public sealed record TechniqueRun(string Name, Explanation Explanation, TimeSpan WallTime, long ModelEvaluations)
{
    /// <summary>The <see cref="Explanation.Parameters"/> key model-agnostic explainers record their evaluation count under.</summary>
    public const string ModelEvaluationsParameter = "model_evaluations";

    /// <summary>
    /// A run named after <paramref name="explanation"/>'s method (or <paramref name="name"/>), with the model evaluations read
    /// from its <see cref="ModelEvaluationsParameter"/> parameter, or 0 when the explanation has none (structural explainers).
    /// </summary>
    /// <exception cref="FormatException">The parameter is present but not a non-negative integer.</exception>
    public static TechniqueRun FromExplanation(Explanation explanation, TimeSpan wallTime, string? name = null)
    {
        long evaluations = 0;
        if (explanation.Parameters.TryGetValue(ModelEvaluationsParameter, out string? text)
            && (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out evaluations) || evaluations < 0))
        {
            throw new FormatException(
                $"parameter '{ModelEvaluationsParameter}' of method '{explanation.Method}' is '{text}'; expected a non-negative integer");
        }

        return new TechniqueRun(name ?? explanation.Method, explanation, wallTime, evaluations);
    }
}
