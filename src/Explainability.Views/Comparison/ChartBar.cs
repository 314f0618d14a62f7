namespace Explainability.Views.Comparison;

/// <summary>A bar: a rectangle in SVG pixels with its fill and a tooltip.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width (0 for a zero value).</param>
/// <param name="Height">Height.</param>
/// <param name="Fill">Colour, <c>#RRGGBB</c>.</param>
/// <param name="Tooltip">Feature, technique and value with its unit.</param>
/// <param name="Feature">The feature.</param>
/// <param name="Technique">The technique.</param>
/// <param name="Value">The value drawn, in the comparison's unit.</param>
public sealed record ChartBar(double X, double Y, double Width, double Height, string Fill, string Tooltip, string Feature, string Technique, double Value);
