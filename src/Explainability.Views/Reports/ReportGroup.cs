namespace Explainability.Views.Reports;

/// <summary>A model card's feature group in a report: its members' SHAP values summed per row. Immutable.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Features">Display names of its members.</param>
/// <param name="MeanAbsShap">Mean over rows of |sum of the members' SHAP values|.</param>
/// <param name="MeanShap">Mean over rows of the summed SHAP values.</param>
/// <param name="Share">Mean |SHAP| as a share (0..1) of the sum over the groups shown.</param>
/// <param name="Direction"><c>raises</c>, <c>lowers</c>, <c>mixed</c> or <c>none</c>, as <see cref="ReportFeature.Direction"/>.</param>
/// <param name="DirectionText">The direction in plain words.</param>
/// <param name="MembersShare">The members' <see cref="ReportFeature.Share"/>s added up (0..1): the group's part of the
/// total mean |SHAP| over all features, additive with the features' shares.</param>
/// <param name="OffsetShare">The part (0..1) of the members' summed mean |SHAP| that cancels within the group: 1 -
/// <paramref name="MeanAbsShap"/> / (sum of the members' mean |SHAP|); 0 when the members never push a row in opposite
/// directions.</param>
public sealed record ReportGroup(string Name, IReadOnlyList<string> Features, double MeanAbsShap, double MeanShap, double Share, string Direction, string DirectionText,
    double MembersShare, double OffsetShare);
