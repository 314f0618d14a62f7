namespace Explainability.Views.Reports;

/// <summary>A pair of features and the mean over rows of |Phi[a, b] + Phi[b, a]|, in the report's unit. Immutable.</summary>
/// <param name="FeatureA">Display name of one feature.</param>
/// <param name="FeatureB">Display name of the other.</param>
/// <param name="MeanAbsInteraction">Mean over rows of the pair's whole interaction effect.</param>
public sealed record ReportInteraction(string FeatureA, string FeatureB, double MeanAbsInteraction);
