namespace Explainability.Core.Summaries;

/// <summary>The summary of the rows whose cohort column has one value. Immutable.</summary>
/// <param name="Value">The cohort column's value (empty for missing).</param>
/// <param name="Summary">The summary of the cohort's rows.</param>
/// <param name="MeanAbsShapDifference">Per feature, the cohort's mean |SHAP| minus the whole dataset's, <c>[F]</c>.</param>
public sealed record CohortSummary(string Value, GlobalSummary Summary, IReadOnlyList<double> MeanAbsShapDifference);
