namespace Explainability.Views.Context;

/// <summary>One reference case near the explained case in SHAP space. Part of <see cref="ExplanationContext"/>.</summary>
/// <param name="ReferenceRow">0-based data row of the model card's reference file.</param>
/// <param name="Outcome">The reference case's known outcome: the class its label means (<c>fraud</c>, <c>genuine</c>).</param>
/// <param name="Distance">Euclidean distance between the two cases' SHAP vectors of the explained output, in the
/// explanation's unit (log-odds for margin-space explanations).</param>
public sealed record SimilarCaseFinding(int ReferenceRow, string Outcome, double Distance);
