using Explainability.Core.Summaries;
using Explainability.Views.Reports;

namespace Explainability.Views.Tests.Reports;

/// <summary>The chart layout against hand-worked geometry.</summary>
public sealed class ReportChartsTests
{
    [Fact]
    public void Dependence_points_sit_at_their_mean_with_a_bar_of_one_standard_deviation_each_way()
    {
        // Range: min(mean - sd) = -1 - 1 = -2, max(mean + sd) = 2 + 0 = 2; plot y from 172 (value -2) up to 12 (value 2).
        DependenceBin[] bins = [new("[0, 1]", 0, 1, 10, -1, 1), new("[1, 2]", 1, 2, 5, 2, 0), new("missing", null, null, 3, 0, 0.5)];

        var chart = ReportCharts.Dependence("x", "X", bins, "log-odds");

        Assert.Equal(("dependence", "x", 3), (chart.Kind, chart.Feature, chart.Marks.Count));
        Assert.Equal([132.0, 12.0, 92.0], chart.Marks.Select(m => m.Y)); // 172 - (v + 2) / 4 * 160
        Assert.Equal([10, 5, 3], chart.Marks.Select(m => m.Count));
        double step = (ReportCharts.Width - 20 - 60) / 3;
        Assert.Equal([Math.Round(60 + (0.5 * step), 1), Math.Round(60 + (1.5 * step), 1), Math.Round(60 + (2.5 * step), 1)], chart.Marks.Select(m => m.X));
        var errorBars = chart.Lines.Skip(2).ToList(); // after the zero line and the axis
        Assert.Equal([(172.0, 92.0), (12.0, 12.0), (112.0, 72.0)], errorBars.Select(l => (l.Y1, l.Y2)));
        Assert.Equal(92.0, chart.Lines[0].Y1); // the zero line
    }

    [Fact]
    public void Beeswarm_points_are_the_non_empty_bins_at_their_centres_with_area_proportional_to_rows()
    {
        BeeswarmBin[] bins = [new(-1, 0, 4, 0.0), new(0, 1, 0, null), new(1, 2, 1, 1.0), new(2, 3, 16, null)];

        var chart = ReportCharts.Beeswarm("x", "X", bins, "log-odds");

        Assert.Equal([-0.5, 1.5, 2.5], chart.Marks.Select(m => m.Value));
        Assert.Equal([4, 1, 16], chart.Marks.Select(m => m.Count));
        // r = 2 + 12 sqrt(count / 16): 8, 5, 14.
        Assert.Equal([8.0, 5.0, 14.0], chart.Marks.Select(m => m.R));
        Assert.Equal(["#1e88e5", "#ff0d57", ReportCharts.NoValueFill], chart.Marks.Select(m => m.Fill));
        // x from -1 (40) to 3 (600): centre -0.5 -> 110, 1.5 -> 390, 2.5 -> 530.
        Assert.Equal([110.0, 390.0, 530.0], chart.Marks.Select(m => m.X));
    }

    [Fact]
    public void Drift_bars_grow_right_for_a_rise_and_left_for_a_fall_from_the_axis()
    {
        var chart = ReportCharts.Drift([("A", "a", 0.4, true), ("B", "b", -0.2, false), ("C", "c", 0, false)], "log-odds", "t", "c");

        double axis = chart.Lines[0].X1, half = (ReportCharts.Width - 210 - 20) / 2;
        Assert.Equal(210 + half, axis);
        Assert.Equal((axis, half), (chart.Marks[0].X, chart.Marks[0].Width));
        Assert.Equal((axis - (half / 2), half / 2), (chart.Marks[1].X, chart.Marks[1].Width));
        Assert.Equal(0, chart.Marks[2].Width);
        Assert.Equal([ReportCharts.FlaggedFill, ReportCharts.UnflaggedFill, ReportCharts.UnflaggedFill], chart.Marks.Select(m => m.Fill));
    }
}
