using System.Globalization;
using Explainability.Core.Summaries;
using Explainability.Views.Comparison;

namespace Explainability.Views.Reports;

/// <summary>
/// Lays out the charts of a report in SVG pixels (<see cref="ReportChart"/>): horizontal importance bars, a beeswarm of
/// one feature's binned SHAP values, a dependence curve of one feature, and diverging drift bars. Pure functions; the
/// templates only write the elements. Coordinates are rounded to 0.1 px.
/// </summary>
/// <remarks>Why not a plotting library: ScottPlot 5 renders on this machine (SkiaSharp's native library needs no
/// fontconfig), but its SVG draws each bar as two anonymous rects and each point as a path among grid paths, so the marks
/// cannot carry the feature and value they stand for, nor be counted in the DOM; and a template would then receive
/// markup instead of the view's data. The layout is a few lines per chart and is tested against the numbers it draws.</remarks>
public static class ReportCharts
{
    /// <summary>Width of every chart, pixels.</summary>
    public const double Width = 640;

    /// <summary>Colour of importance bars.</summary>
    public const string BarFill = "#1f77b4";

    /// <summary>Colour of a flagged drift bar.</summary>
    public const string FlaggedFill = "#d62728";

    /// <summary>Colour of an unflagged drift bar.</summary>
    public const string UnflaggedFill = "#7f7f7f";

    /// <summary>Colour of a point without a feature value (categories).</summary>
    public const string NoValueFill = "#8c8c8c";

    private const double LabelWidth = 210, RowHeight = 22, BarHeight = 16, Top = 8, ValueRoom = 90;

    /// <summary>Horizontal bars of mean |SHAP|, one per feature in the order given, widths proportional to the value
    /// (the largest spans the plot).</summary>
    /// <param name="features">(label, raw name, mean |SHAP|) per bar, strongest first.</param>
    /// <param name="unit">Unit of the values, for tooltips and the caption.</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="caption">How to read it.</param>
    public static ReportChart Importance(IReadOnlyList<(string Label, string Name, double Value)> features, string unit, string title, string caption)
    {
        ArgumentNullException.ThrowIfNull(features);
        double plot = Width - LabelWidth - ValueRoom;
        double max = features.Count == 0 ? 0 : features.Max(f => f.Value);
        var marks = new List<ChartMark>();
        var texts = new List<ChartText>();
        for (int i = 0; i < features.Count; i++)
        {
            var (label, name, value) = features[i];
            double y = Top + (i * RowHeight);
            double w = max > 0 ? value / max * plot : 0;
            marks.Add(new ChartMark("rect", LabelWidth, Px(y), Px(w), BarHeight, 0, BarFill, name, value, 0, $"{label}: {Number(value)} {unit}"));
            texts.Add(new ChartText(LabelWidth - 6, Px(y + 12), label, "end"));
            texts.Add(new ChartText(Px(LabelWidth + w + 4), Px(y + 12), Number(value), "start"));
        }

        return BarRows("importance", title, caption, LabelWidth, marks, texts);
    }

    /// <summary>A beeswarm of one feature from its binned SHAP values: one point per non-empty bin at the bin's centre on
    /// the SHAP axis, its area proportional to the bin's rows, coloured from blue (low feature values) to red (high) by the
    /// bin's mean normalized feature value (grey without one).</summary>
    /// <param name="feature">Raw feature name.</param>
    /// <param name="label">Display name.</param>
    /// <param name="bins">The feature's <see cref="FeatureSummary.Beeswarm"/> bins.</param>
    /// <param name="unit">Unit of SHAP values.</param>
    public static ReportChart Beeswarm(string feature, string label, IReadOnlyList<BeeswarmBin> bins, string unit)
    {
        ArgumentNullException.ThrowIfNull(bins);
        const double left = 40, right = Width - 40, mid = 40, height = 86, maxR = 14;
        double lo = Math.Min(0, bins.Count == 0 ? 0 : bins.Min(b => b.Lower));
        double hi = Math.Max(0, bins.Count == 0 ? 0 : bins.Max(b => b.Upper));
        double X(double v) => hi > lo ? left + ((v - lo) / (hi - lo) * (right - left)) : (left + right) / 2;
        int maxCount = bins.Count == 0 ? 0 : bins.Max(b => b.Count);
        var marks = bins.Where(b => b.Count > 0).Select(b =>
        {
            double centre = (b.Lower + b.Upper) / 2;
            double r = 2 + ((maxR - 2) * Math.Sqrt((double)b.Count / maxCount));
            string colour = b.MeanNormalizedValue is { } v ? Colour(v) : NoValueFill;
            string value = b.MeanNormalizedValue is { } n ? $", mean normalized value {n.ToString("0.00", CultureInfo.InvariantCulture)}" : "";
            return new ChartMark("circle", Px(X(centre)), mid, 0, 0, Px(r), colour, $"[{Number(b.Lower)}, {Number(b.Upper)}]", centre, b.Count,
                $"SHAP {Number(b.Lower)} to {Number(b.Upper)} {unit}: {Rows(b.Count)}{value}", b.MeanNormalizedValue);
        }).ToList();
        return new ReportChart
        {
            Kind = "beeswarm",
            Feature = feature,
            Title = $"Beeswarm: {label}",
            Caption = $"SHAP values of {label} in {bins.Count} equal-width {(bins.Count == 1 ? "bin" : "bins")}; a point per non-empty bin at its centre, its area proportional to the bin's rows; blue = low feature values, red = high, grey = no numeric value. Unit: {unit}.",
            Width = Width,
            Height = height,
            Marks = marks,
            Lines = [new ChartLine(left, 70, right, 70, "#555555"), new ChartLine(Px(X(0)), 16, Px(X(0)), 70, "#999999")],
            // The zero tick only between the ends, where it cannot overprint their labels.
            Texts = lo < 0 && hi > 0
                ? [new ChartText(left, 82, Number(lo), "start"), new ChartText(Px(X(0)), 82, "0", "middle"), new ChartText(right, 82, Number(hi), "end")]
                : [new ChartText(left, 82, Number(lo), "start"), new ChartText(right, 82, Number(hi), "end")],
        };
    }

    /// <summary>A dependence curve of one feature: one point per feature-value bin (in the bins' order, equally spaced) at
    /// the bin's mean SHAP, with a vertical bar of ± one standard deviation.</summary>
    /// <param name="feature">Raw feature name.</param>
    /// <param name="label">Display name.</param>
    /// <param name="bins">The feature's <see cref="FeatureSummary.Dependence"/> bins.</param>
    /// <param name="unit">Unit of SHAP values.</param>
    public static ReportChart Dependence(string feature, string label, IReadOnlyList<DependenceBin> bins, string unit)
    {
        ArgumentNullException.ThrowIfNull(bins);
        const double left = 60, right = Width - 20, top = 12, bottom = 172, height = 200;
        double lo = Math.Min(0, bins.Count == 0 ? 0 : bins.Min(b => b.MeanShap - b.StandardDeviationShap));
        double hi = Math.Max(0, bins.Count == 0 ? 0 : bins.Max(b => b.MeanShap + b.StandardDeviationShap));
        double Y(double v) => hi > lo ? bottom - ((v - lo) / (hi - lo) * (bottom - top)) : (top + bottom) / 2;
        double step = bins.Count == 0 ? 0 : (right - left) / bins.Count;
        var marks = new List<ChartMark>();
        var lines = new List<ChartLine> { new(left, Px(Y(0)), right, Px(Y(0)), "#999999"), new(left, top, left, bottom, "#555555") };
        var texts = new List<ChartText> { new(left - 4, Px(Y(hi) + 4), Number(hi), "end"), new(left - 4, Px(Y(lo) + 4), Number(lo), "end"), new(left - 4, Px(Y(0) + 4), "0", "end") };
        for (int i = 0; i < bins.Count; i++)
        {
            var b = bins[i];
            double x = left + ((i + 0.5) * step);
            marks.Add(new ChartMark("circle", Px(x), Px(Y(b.MeanShap)), 0, 0, 4, BarFill, b.Label, b.MeanShap, b.Count,
                $"{label} {b.Label}: mean SHAP {Number(b.MeanShap)} ± {Number(b.StandardDeviationShap)} {unit}, {Rows(b.Count)}", StandardDeviation: b.StandardDeviationShap));
            lines.Add(new ChartLine(Px(x), Px(Y(b.MeanShap - b.StandardDeviationShap)), Px(x), Px(Y(b.MeanShap + b.StandardDeviationShap)), "#6baed6"));
            texts.Add(new ChartText(Px(x), bottom + 16, Short(b.Label), "middle"));
        }

        return new ReportChart
        {
            Kind = "dependence",
            Feature = feature,
            Title = $"Dependence: {label}",
            Caption = $"Mean SHAP of {label} per value bin ({bins.Count} {(bins.Count == 1 ? "bin" : "bins")}: quantiles of numbers, one per category, one for missing values), with ± one standard deviation. Unit: {unit}.",
            Width = Width,
            Height = height,
            Marks = marks,
            Lines = lines,
            Texts = texts,
        };
    }

    /// <summary>Diverging horizontal bars of the change of mean |SHAP| per feature, in the order given: right of the axis
    /// for a rise, left for a fall, the largest change spanning half the plot; red when flagged, grey otherwise.</summary>
    /// <param name="features">(label, raw name, change of mean |SHAP|, flagged) per bar.</param>
    /// <param name="unit">Unit of the change.</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="caption">How to read it.</param>
    public static ReportChart Drift(IReadOnlyList<(string Label, string Name, double Change, bool Flagged)> features, string unit, string title, string caption)
    {
        ArgumentNullException.ThrowIfNull(features);
        double half = (Width - LabelWidth - 20) / 2, axis = LabelWidth + half;
        double max = features.Count == 0 ? 0 : features.Max(f => Math.Abs(f.Change));
        var marks = new List<ChartMark>();
        var texts = new List<ChartText>();
        for (int i = 0; i < features.Count; i++)
        {
            var (label, name, change, flagged) = features[i];
            double y = Top + (i * RowHeight);
            double w = max > 0 ? Math.Abs(change) / max * half : 0;
            marks.Add(new ChartMark("rect", Px(change >= 0 ? axis : axis - w), Px(y), Px(w), BarHeight, 0, flagged ? FlaggedFill : UnflaggedFill, name, change, 0,
                $"{label}: {Signed(change)} {unit}{(flagged ? " (flagged)" : "")}"));
            texts.Add(new ChartText(LabelWidth - 6, Px(y + 12), label, "end"));
        }

        return BarRows("drift", title, caption, axis, marks, texts);
    }

    /// <summary>A chart of one horizontal bar per row, with a vertical axis at <paramref name="axis"/>.</summary>
    private static ReportChart BarRows(string kind, string title, string caption, double axis, List<ChartMark> marks, List<ChartText> texts)
    {
        double height = Px(Top + (marks.Count * RowHeight) + 6);
        return new ReportChart
        {
            Kind = kind,
            Feature = "",
            Title = title,
            Caption = caption,
            Width = Width,
            Height = height,
            Marks = marks,
            Lines = [new ChartLine(Px(axis), 0, Px(axis), height, "#555555")],
            Texts = texts,
        };
    }

    /// <summary>A colour from blue (<c>#1e88e5</c>, 0) to red (<c>#ff0d57</c>, 1), as SHAP's beeswarm plots use.</summary>
    /// <param name="t">0..1 (clamped).</param>
    public static string Colour(double t)
    {
        t = Math.Clamp(double.IsNaN(t) ? 0.5 : t, 0, 1);
        int r = (int)Math.Round(0x1e + ((0xff - 0x1e) * t)), g = (int)Math.Round(0x88 + ((0x0d - 0x88) * t)), b = (int)Math.Round(0xe5 + ((0x57 - 0xe5) * t));
        return string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }

    private static string Short(string label) => label.Length <= 14 ? label : label[..13] + "…";

    private static double Px(double v) => Math.Round(v, 1);

    private static string Number(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Signed(double v) => v.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);

    private static string Rows(int n) => n == 1 ? "1 row" : $"{n} rows";
}
