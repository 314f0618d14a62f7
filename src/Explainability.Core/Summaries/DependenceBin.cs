namespace Explainability.Core.Summaries;

/// <summary>One feature-value bin of a dependence curve. Immutable.</summary>
/// <param name="Label">The category, <c>missing</c>, or the value range <c>[lower, upper]</c>.</param>
/// <param name="Lower">Lowest feature value of the bin (numbers; inclusive), null for a category or missing.</param>
/// <param name="Upper">Upper bound (exclusive, the last bin inclusive), null for a category or missing.</param>
/// <param name="Count">Rows in the bin.</param>
/// <param name="MeanShap">Mean SHAP of the bin's rows.</param>
/// <param name="StandardDeviationShap">Population standard deviation of the bin's SHAP values (0 for one row).</param>
public sealed record DependenceBin(string Label, double? Lower, double? Upper, int Count, double MeanShap, double StandardDeviationShap);
