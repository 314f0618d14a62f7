using System.Globalization;
using Explainability.Core.Comparison;
using Explainability.Core.Explanations;
using Explainability.Views.ModelCards;
using Explainability.Views.Projection;

namespace Explainability.Views.Comparison;

/// <summary>
/// Builds the data-scientist <see cref="ComparisonView"/> of a <see cref="TechniqueComparison"/>, including the chart's
/// geometry: grouped horizontal bars of mean |phi| per feature (over rows and outputs), one bar per technique.
/// </summary>
public static class ComparisonViewBuilder
{
    /// <summary>Default number of features drawn in the chart (the strongest; the tables cover all).</summary>
    public const int DefaultChartFeatures = 20;

    /// <summary>Colour-blind safe palette (Okabe and Ito), cycled over techniques.</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

    private const double PlotWidth = 480;
    private const double BarHeight = 12;
    private const double BarGap = 2;
    private const double GroupGap = 10;
    private const double CharWidth = 7;
    private const double LegendLine = 18;
    private const int MaxLabelChars = 40;
    private const string Grid = "#DDDDDD";
    private const string Axis = "#333333";

    /// <summary>The view of <paramref name="comparison"/>.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="card">The model card, for id and version; null leaves them empty.</param>
    /// <param name="chartFeatures">How many features the chart draws, at least 1: the strongest by mean |phi| of the
    /// reference (of the first technique without one); the caption says how many are left out.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chartFeatures"/> below 1.</exception>
    public static ComparisonView Build(TechniqueComparison comparison, ModelCard? card = null, int chartFeatures = DefaultChartFeatures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chartFeatures, 1);
        string unit = comparison.OutputSpace == OutputSpace.Margin
            ? Units.Margin(comparison.Link)
            : Units.ExplanationProbability(comparison.Link);
        var names = comparison.Techniques.Select(t => t.Name).ToList();

        var rows = comparison.Techniques.Select((t, i) => new ComparisonTechniqueRow
        {
            Name = t.Name,
            Method = t.Method,
            IsReference = t.IsReference,
            WallTimeMs = t.WallTime.TotalMilliseconds,
            TimePerRowMs = t.WallTime.TotalMilliseconds / comparison.RowCount,
            ModelEvaluations = t.ModelEvaluations,
            MaxAbsAdditivityResidual = t.MaxAbsAdditivityResidual,
            MeanStandardError = t.MeanStandardError,
            MaxStandardError = t.MaxStandardError,
            MaxAbsDeltaPhi = t.MaxAbsDeltaPhi,
            MeanAbsDeltaPhi = t.MeanAbsDeltaPhi,
            Parameters = t.Parameters,
            Color = Palette[i % Palette.Count],
        }).ToList();

        var matrix = names.Select(a => new ComparisonMatrixRow
        {
            Name = a,
            Cells = [.. names.Select(b => a == b
                ? new ComparisonMatrixCell { Other = b, IsDiagonal = true }
                : new ComparisonMatrixCell
                {
                    Other = b,
                    IsDiagonal = false,
                    Spearman = comparison.Pair(a, b).MeanSpearman,
                    Overlap = comparison.Pair(a, b).MeanTopKOverlap,
                })],
        }).ToList();

        var pairs = comparison.Pairs.Select(p => new ComparisonPairRow
        {
            A = p.A,
            B = p.B,
            MeanSpearman = p.MeanSpearman,
            MinSpearman = p.MinSpearman,
            SpearmanUndefinedCount = p.SpearmanUndefinedCount,
            MeanOverlap = p.MeanTopKOverlap,
            MinOverlap = p.MinTopKOverlap,
        }).ToList();

        return new ComparisonView
        {
            Audience = Audiences.DataScientist,
            Language = "en",
            ModelId = card?.Id ?? "",
            ModelVersion = card?.Version ?? "",
            RowCount = comparison.RowCount,
            FeatureCount = comparison.FeatureNames.Count,
            OutputNames = comparison.OutputNames,
            Scale = comparison.OutputSpace == OutputSpace.Margin ? "margin" : "probability",
            Unit = unit,
            Reference = comparison.Reference,
            TopK = comparison.TopK,
            OverlapNote = comparison.RequestedTopK > comparison.TopK
                ? string.Create(CultureInfo.InvariantCulture, $"k = {comparison.RequestedTopK} >= {comparison.FeatureNames.Count} features: the overlap would be 1 by construction; k capped at {comparison.TopK}")
                : null,
            Techniques = rows,
            TechniqueNames = names,
            Matrix = matrix,
            Pairs = pairs,
            Chart = Chart(comparison, rows, unit, chartFeatures),
        };
    }

    private static ComparisonChart Chart(TechniqueComparison c, List<ComparisonTechniqueRow> rows, string unit, int chartFeatures)
    {
        int features = c.FeatureNames.Count, outputs = c.OutputNames.Count, n = c.Techniques.Count;

        // Mean |phi| per technique and feature over rows and outputs.
        var importance = c.Techniques.Select(t => Enumerable.Range(0, features)
            .Select(f => Enumerable.Range(0, outputs).Average(o => t.MeanAbsPhi[(f * outputs) + o])).ToArray()).ToList();
        int orderBy = Math.Max(0, c.Techniques.ToList().FindIndex(t => t.IsReference));
        var shown = Enumerable.Range(0, features)
            .OrderByDescending(f => importance[orderBy][f]).ThenBy(f => f)
            .Take(chartFeatures).ToList();

        var labels = shown.Select(f => Shorten(c.FeatureNames[f])).ToList();
        double labelWidth = (CharWidth * labels.Max(l => l.Length)) + 12;
        double left = Math.Max(labelWidth, 60);
        double legendHeight = (LegendLine * n) + 6;
        double groupHeight = (n * (BarHeight + BarGap)) - BarGap;
        double top = legendHeight + 6;
        double axisY = top + (shown.Count * (groupHeight + GroupGap)) - GroupGap + 6;
        double max = shown.SelectMany(f => importance.Select(imp => imp[f])).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var (niceMax, step) = NiceScale(max);

        var bars = new List<ChartBar>();
        var texts = new List<ChartText>();
        var lines = new List<ChartLine>();
        var legend = new List<ChartSwatch>();

        for (int i = 0; i < n; i++)
        {
            double cy = 6 + (LegendLine * i) + (LegendLine / 2);
            legend.Add(new ChartSwatch(left + 6, Px(cy), 5, rows[i].Color));
            texts.Add(new ChartText(left + 16, Px(cy + 4), rows[i].Name + (rows[i].IsReference ? " (reference)" : ""), "start"));
        }

        for (int tick = 0; step * tick <= niceMax + (step / 2); tick++)
        {
            double value = step * tick;
            double x = Px(left + (value / niceMax * PlotWidth));
            lines.Add(new ChartLine(x, Px(top - 4), x, Px(axisY), tick == 0 ? Axis : Grid));
            texts.Add(new ChartText(x, Px(axisY + 14), value.ToString("G4", CultureInfo.InvariantCulture), "middle"));
        }

        lines.Add(new ChartLine(Px(left), Px(axisY), Px(left + PlotWidth), Px(axisY), Axis));

        for (int g = 0; g < shown.Count; g++)
        {
            int f = shown[g];
            double groupTop = top + (g * (groupHeight + GroupGap));
            texts.Add(new ChartText(Px(left - 6), Px(groupTop + (groupHeight / 2) + 4), labels[g], "end"));
            for (int i = 0; i < n; i++)
            {
                double value = importance[i][f];
                double width = double.IsFinite(value) ? value / niceMax * PlotWidth : 0;
                string tooltip = string.Create(CultureInfo.InvariantCulture, $"{c.FeatureNames[f]}, {rows[i].Name}: {value:G6} {unit}");
                bars.Add(new ChartBar(Px(left), Px(groupTop + (i * (BarHeight + BarGap))), Px(width), BarHeight, rows[i].Color, tooltip, c.FeatureNames[f], rows[i].Name, value));
            }
        }

        string order = c.Reference is null ? $"the first technique ({rows[0].Name})" : $"the reference ({c.Reference})";
        string coverage = shown.Count < features
            ? string.Create(CultureInfo.InvariantCulture, $"the {shown.Count} strongest of {features} features shown, {features - shown.Count} left out of the chart (all are in the tables).")
            : string.Create(CultureInfo.InvariantCulture, $"all {features} features shown.");
        string over = outputs > 1 ? string.Create(CultureInfo.InvariantCulture, $" and {outputs} outputs") : "";
        string caption = string.Create(CultureInfo.InvariantCulture, $"Mean |phi| over {c.RowCount} rows{over}, in {unit}; features ordered by {order}; {coverage}");

        return new ComparisonChart
        {
            Title = $"Mean |phi| per feature and technique ({unit})",
            Caption = caption,
            Width = Px(left + PlotWidth + 30),
            Height = Px(axisY + 24),
            Groups = [.. shown.Select(f => new ChartGroup(c.FeatureNames[f], [.. importance.Select(imp => imp[f])]))],
            Bars = bars,
            Lines = lines,
            Texts = texts,
            Legend = legend,
        };
    }

    /// <summary>An axis maximum at or above <paramref name="max"/> and a round tick step (1, 2, 2.5 or 5 times a power of ten), about 4 ticks.</summary>
    private static (double Max, double Step) NiceScale(double max)
    {
        if (!(max > 0))
        {
            return (1, 0.25);
        }

        double raw = max / 4;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        return (Math.Ceiling(max / step) * step, step);
    }

    private static string Shorten(string label) => label.Length <= MaxLabelChars ? label : string.Concat(label.AsSpan(0, MaxLabelChars - 1), "…");

    private static double Px(double v) => Math.Round(v, 1);
}
