namespace Explainability.Views.Comparison;

/// <summary>A legend swatch: a circle in SVG pixels.</summary>
/// <param name="Cx">Centre x.</param>
/// <param name="Cy">Centre y.</param>
/// <param name="R">Radius.</param>
/// <param name="Fill">Colour, <c>#RRGGBB</c>.</param>
public sealed record ChartSwatch(double Cx, double Cy, double R, string Fill);
