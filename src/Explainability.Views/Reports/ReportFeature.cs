namespace Explainability.Views.Reports;

/// <summary>One feature of a report, with its global importance over the summarized rows, in the report's unit. Immutable.</summary>
/// <param name="Rank">1 for the feature with the largest mean |SHAP|.</param>
/// <param name="Name">Raw feature name.</param>
/// <param name="DisplayName">The model card's display name (the name without a card).</param>
/// <param name="Description">The card's description; empty without one.</param>
/// <param name="Group">The card's feature group; empty without one.</param>
/// <param name="MeanAbsShap">Mean over rows of |SHAP|.</param>
/// <param name="MeanShap">Mean over rows of SHAP.</param>
/// <param name="StandardDeviation">Population standard deviation of the SHAP values over rows (the spread).</param>
/// <param name="Min">Smallest SHAP value.</param>
/// <param name="Max">Largest SHAP value.</param>
/// <param name="Share">Mean |SHAP| as a share (0..1) of the sum of every feature's mean |SHAP|.</param>
/// <param name="Direction"><c>raises</c>, <c>lowers</c> (mean SHAP at least a tenth of mean |SHAP|, either way, or the sign of the one row's SHAP value), <c>mixed</c>, or <c>none</c> (every SHAP value 0).</param>
/// <param name="DirectionText">The direction in plain words, naming the card's outcome.</param>
/// <param name="Bar">The mean |SHAP| as a text bar relative to the largest (Markdown).</param>
/// <param name="Charted">Whether the report has beeswarm and dependence charts of the feature (one of the top k).</param>
/// <param name="MeanAbsShapStandardError">Standard error of <paramref name="MeanAbsShap"/> as an estimate from the rows;
/// null over fewer than 2 rows.</param>
/// <param name="ShareStandardError">The same as a share (0..1) of the total mean |SHAP| (the total taken as known); null
/// over fewer than 2 rows.</param>
public sealed record ReportFeature(
    int Rank, string Name, string DisplayName, string Description, string Group, double MeanAbsShap, double MeanShap, double StandardDeviation,
    double Min, double Max, double Share, string Direction, string DirectionText, string Bar, bool Charted,
    double? MeanAbsShapStandardError, double? ShareStandardError);
