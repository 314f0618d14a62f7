namespace Explainability.Views.Comparison;

/// <summary>
/// An SVG chart laid out in pixels: the template writes one <c>&lt;rect&gt;</c> per <see cref="Bars"/> entry, one
/// <c>&lt;line&gt;</c> per <see cref="Lines"/>, one <c>&lt;text&gt;</c> per <see cref="Texts"/> and one <c>&lt;circle&gt;</c> per
/// <see cref="Legend"/> entry, and computes nothing.
/// </summary>
public sealed record ComparisonChart
{
    /// <summary>What the chart shows, one line.</summary>
    public required string Title { get; init; }

    /// <summary>How the values were obtained and what was left out (features not shown).</summary>
    public required string Caption { get; init; }

    /// <summary>Width of the SVG, pixels.</summary>
    public required double Width { get; init; }

    /// <summary>Height of the SVG, pixels.</summary>
    public required double Height { get; init; }

    /// <summary>The shown features, strongest first, with the values behind their bars.</summary>
    public required IReadOnlyList<ChartGroup> Groups { get; init; }

    /// <summary>The bars: one per shown feature per technique, grouped by feature in <see cref="Groups"/> order.</summary>
    public required IReadOnlyList<ChartBar> Bars { get; init; }

    /// <summary>Axis and grid lines.</summary>
    public required IReadOnlyList<ChartLine> Lines { get; init; }

    /// <summary>Feature labels, tick labels and legend labels.</summary>
    public required IReadOnlyList<ChartText> Texts { get; init; }

    /// <summary>Legend swatches, one per technique.</summary>
    public required IReadOnlyList<ChartSwatch> Legend { get; init; }
}
