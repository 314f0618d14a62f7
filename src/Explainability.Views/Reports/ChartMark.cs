namespace Explainability.Views.Reports;

/// <summary>One plotted mark of a <see cref="ReportChart"/> in SVG pixels: a bar (<c>rect</c>) or a point (<c>circle</c>),
/// with the number it stands for. Immutable.</summary>
/// <param name="Shape"><c>rect</c> (<see cref="X"/>, <see cref="Y"/> top-left, <see cref="Width"/>, <see cref="Height"/>) or
/// <c>circle</c> (centre <see cref="X"/>, <see cref="Y"/>, radius <see cref="R"/>).</param>
/// <param name="X">Left edge of a bar, centre x of a point.</param>
/// <param name="Y">Top edge of a bar, centre y of a point.</param>
/// <param name="Width">Width of a bar (0 for a zero value); 0 for a point.</param>
/// <param name="Height">Height of a bar; 0 for a point.</param>
/// <param name="R">Radius of a point; 0 for a bar.</param>
/// <param name="Fill">Colour, <c>#RRGGBB</c>.</param>
/// <param name="Label">What the mark is of: the feature (importance, drift) or the bin (beeswarm, dependence).</param>
/// <param name="Value">The number drawn, in the chart's unit (mean |SHAP|, mean SHAP of a bin, change of mean |SHAP|).</param>
/// <param name="Count">Rows behind the mark (a bin's rows); 0 where it does not apply.</param>
/// <param name="Tooltip">The label and the value with its unit, shown on hover.</param>
/// <param name="Shade">What the colour stands for: a beeswarm bin's mean normalized feature value (0..1); null otherwise.</param>
/// <param name="StandardDeviation">The population standard deviation of the SHAP values behind a dependence point (its
/// whisker reaches one either side), in the chart's unit; null otherwise.</param>
public sealed record ChartMark(
    string Shape, double X, double Y, double Width, double Height, double R, string Fill, string Label, double Value, int Count, string Tooltip, double? Shade = null,
    double? StandardDeviation = null);
