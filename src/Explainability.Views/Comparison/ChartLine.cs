namespace Explainability.Views.Comparison;

/// <summary>A line segment in SVG pixels.</summary>
/// <param name="X1">Start x.</param>
/// <param name="Y1">Start y.</param>
/// <param name="X2">End x.</param>
/// <param name="Y2">End y.</param>
/// <param name="Stroke">Colour, <c>#RRGGBB</c>.</param>
public sealed record ChartLine(double X1, double Y1, double X2, double Y2, string Stroke);
