namespace Explainability.Core.Summaries;

/// <summary>One histogram bin of a feature's SHAP values. Immutable.</summary>
/// <param name="Lower">Lowest SHAP value of the bin (inclusive).</param>
/// <param name="Upper">Upper bound (exclusive; the last bin inclusive).</param>
/// <param name="Count">Rows whose SHAP value falls in the bin.</param>
/// <param name="MeanNormalizedValue">Mean over the bin's rows with a numeric value of <c>(x - min) / (max - min)</c> over
/// all summarized rows (0..1; 0.5 when all values are equal), or null for a categorical feature or a bin without a numeric value.</param>
public sealed record BeeswarmBin(double Lower, double Upper, int Count, double? MeanNormalizedValue);
