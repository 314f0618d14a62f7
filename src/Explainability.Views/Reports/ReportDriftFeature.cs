namespace Explainability.Views.Reports;

/// <summary>How one feature's attributions changed between the baseline and the current dataset, in the report's unit. Immutable.</summary>
/// <param name="Name">Raw feature name.</param>
/// <param name="DisplayName">The card's display name.</param>
/// <param name="Group">The card's feature group; empty without one.</param>
/// <param name="BaselineMeanAbs">Mean |SHAP| over the baseline rows.</param>
/// <param name="CurrentMeanAbs">Mean |SHAP| over the current rows.</param>
/// <param name="Change">Current minus baseline mean |SHAP|.</param>
/// <param name="RelativeChange">The change as a share of the baseline's, or null when the baseline's is 0 and the current's is not.</param>
/// <param name="Psi">Population stability index of the SHAP values.</param>
/// <param name="Wasserstein">First Wasserstein distance between the two distributions of SHAP values.</param>
/// <param name="Flags">The thresholds crossed, comma separated (<c>psi</c>, <c>mean_abs_change</c>); empty when none.</param>
/// <param name="Flagged">Whether any threshold was crossed.</param>
/// <param name="Sentence">The change in plain words.</param>
public sealed record ReportDriftFeature(
    string Name, string DisplayName, string Group, double BaselineMeanAbs, double CurrentMeanAbs, double Change, double? RelativeChange,
    double Psi, double Wasserstein, string Flags, bool Flagged, string Sentence);
