namespace Explainability.Views.Comparison;

/// <summary>A text label in SVG pixels (baseline at <see cref="Y"/>).</summary>
/// <param name="X">Anchor x.</param>
/// <param name="Y">Baseline y.</param>
/// <param name="Text">The text (escaped by the template).</param>
/// <param name="Anchor"><c>start</c>, <c>middle</c> or <c>end</c>.</param>
public sealed record ChartText(double X, double Y, string Text, string Anchor);
