namespace Explainability.Views.Reports;

/// <summary>The rows of one value of the cohort column in a report. Immutable.</summary>
/// <param name="Value">The cohort column's value (<c>(missing)</c> for an empty one).</param>
/// <param name="Rows">Rows of the cohort.</param>
/// <param name="TopFeature">Display name of the cohort's feature with the largest mean |SHAP|.</param>
/// <param name="TopMeanAbsShap">Its mean |SHAP| in the cohort.</param>
/// <param name="LargestDifferenceFeature">Display name of the feature whose mean |SHAP| differs most from the whole dataset's.</param>
/// <param name="LargestDifference">The cohort's mean |SHAP| of that feature minus the whole dataset's.</param>
public sealed record ReportCohort(string Value, int Rows, string TopFeature, double TopMeanAbsShap, string LargestDifferenceFeature, double LargestDifference);
