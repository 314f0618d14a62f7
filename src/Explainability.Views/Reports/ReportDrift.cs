namespace Explainability.Views.Reports;

/// <summary>The drift section of a report: the current dataset's attributions against a baseline's. Immutable.</summary>
/// <param name="BaselineRows">Rows of the baseline dataset.</param>
/// <param name="CurrentRows">Rows of the current dataset (the report's).</param>
/// <param name="PsiThreshold">PSI at or above which a feature is flagged.</param>
/// <param name="ChangeThreshold">Relative change of mean |SHAP| at or above which a feature is flagged.</param>
/// <param name="MinimumShare">Share of the largest mean |SHAP| below which a feature is never flagged.</param>
/// <param name="Flagged">How many of <paramref name="Features"/> are flagged.</param>
/// <param name="Features">The features shown, flagged first, then by the size of the change of mean |SHAP|.</param>
/// <param name="Chart">One bar per feature of <paramref name="Features"/>: its change of mean |SHAP|.</param>
/// <param name="Caveat">A caution when either dataset has too few rows for the statistics to mean much
/// (<see cref="ReportViewBuilder.DriftCaveat"/>); empty otherwise.</param>
public sealed record ReportDrift(
    int BaselineRows, int CurrentRows, double PsiThreshold, double ChangeThreshold, double MinimumShare, int Flagged,
    IReadOnlyList<ReportDriftFeature> Features, ReportChart Chart, string Caveat = "");
