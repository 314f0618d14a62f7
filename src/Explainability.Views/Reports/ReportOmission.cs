namespace Explainability.Views.Reports;

/// <summary>One thing a report leaves out, measured: derived by <see cref="ReportViewBuilder"/> from what it dropped, never
/// written by hand. Immutable.</summary>
/// <param name="Kind">What kind: <c>hidden-tagged</c>, <c>beyond-top-k</c>, <c>binned</c>, <c>rows</c>, <c>interactions</c>,
/// <c>amounts</c>, <c>unflagged-drift</c>.</param>
/// <param name="Description">What is left out and how much, in one sentence.</param>
/// <param name="Features">The features concerned (display names); empty when none in particular.</param>
/// <param name="Share">The measured loss where it is a share of the total mean |SHAP| (0..1), or null.</param>
public sealed record ReportOmission(string Kind, string Description, IReadOnlyList<string> Features, double? Share);
