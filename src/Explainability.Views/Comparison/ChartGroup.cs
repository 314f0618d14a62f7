namespace Explainability.Views.Comparison;

/// <summary>One feature of the chart and its values, one per technique in <see cref="ComparisonView.TechniqueNames"/> order
/// (the numbers behind the bars, for text and Markdown).</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Values">Mean |phi| per technique, in the comparison's unit.</param>
public sealed record ChartGroup(string Feature, IReadOnlyList<double> Values);
