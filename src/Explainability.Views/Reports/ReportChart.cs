using Explainability.Views.Comparison;

namespace Explainability.Views.Reports;

/// <summary>
/// A chart of a report laid out in SVG pixels by <see cref="ReportCharts"/>: the template writes one element per
/// <see cref="Marks"/> entry (<c>rect</c> or <c>circle</c>, with <c>data-mark</c>), one <c>line</c> per <see cref="Lines"/>
/// entry and one <c>text</c> per <see cref="Texts"/> entry, and computes nothing. Immutable.
/// </summary>
public sealed record ReportChart
{
    /// <summary><c>importance</c>, <c>beeswarm</c>, <c>dependence</c> or <c>drift</c> (the SVG's <c>data-chart</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>The feature of a beeswarm or dependence chart (the SVG's <c>data-feature</c>); empty otherwise.</summary>
    public required string Feature { get; init; }

    /// <summary>What the chart shows, one line.</summary>
    public required string Title { get; init; }

    /// <summary>How to read it and how its numbers were obtained.</summary>
    public required string Caption { get; init; }

    /// <summary>Width of the SVG, pixels.</summary>
    public required double Width { get; init; }

    /// <summary>Height of the SVG, pixels.</summary>
    public required double Height { get; init; }

    /// <summary>The plotted marks: bars or points.</summary>
    public required IReadOnlyList<ChartMark> Marks { get; init; }

    /// <summary>Axes, zero lines and error bars.</summary>
    public required IReadOnlyList<ChartLine> Lines { get; init; }

    /// <summary>Labels and tick values.</summary>
    public required IReadOnlyList<ChartText> Texts { get; init; }
}
