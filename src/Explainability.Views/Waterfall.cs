namespace Explainability.Views;

/// <summary>
/// A waterfall chart of one case: from the base value, each shown value (and the per-row offset) added in the order the
/// view lists them, then whatever the shown values leave unexplained, to the model output. Built from the view's own
/// numbers only (<see cref="From"/>), so it shows nothing the view does not. Immutable.
/// </summary>
public sealed record Waterfall
{
    /// <summary>Unit of every number of the chart (the view's score unit; attributions add to it).</summary>
    public required string Unit { get; init; }

    /// <summary>Left end of the axis: the smallest running total.</summary>
    public required double Min { get; init; }

    /// <summary>Right end of the axis: the largest running total.</summary>
    public required double Max { get; init; }

    /// <summary>The rows, base first, output last.</summary>
    public required IReadOnlyList<WaterfallStep> Steps { get; init; }

    /// <summary>The waterfall of the given shown numbers.</summary>
    /// <param name="items">The shown items in the order they are listed; each must have a value.</param>
    /// <param name="baseValue">The shown base value.</param>
    /// <param name="output">The shown model output.</param>
    /// <param name="offset">The shown per-row offset, or null.</param>
    /// <param name="unit">The unit of the numbers.</param>
    /// <param name="width">Width of the text bars in characters.</param>
    /// <exception cref="ArgumentException">An item has no value.</exception>
    public static Waterfall From(IReadOnlyList<ViewItem> items, double baseValue, double output, double? offset, string unit, int width = Rendering.TextBar.DefaultWidth)
    {
        var rows = new List<(string Kind, string Label, double Value, double Before, double After)> { ("base", "base value", baseValue, baseValue, baseValue) };
        double total = baseValue;
        foreach (var item in items)
        {
            double v = item.Value ?? throw new ArgumentException($"item '{item.Key}' has no value; a waterfall needs the shown amounts", nameof(items));
            rows.Add(("item", item.Label, v, total, total + v));
            total += v;
        }

        if (offset is double o && o != 0)
        {
            rows.Add(("offset", "per-row offset", o, total, total + o));
            total += o;
        }

        double rest = output - total;
        if (Math.Abs(rest) > 1e-12 * Math.Max(1, Math.Abs(output)))
        {
            rows.Add(("not-shown", "rest: residual, rounding and values not shown", rest, total, output));
        }

        rows.Add(("output", "model output", output, output, output));
        double min = rows.Min(r => Math.Min(r.Before, r.After)), max = rows.Max(r => Math.Max(r.Before, r.After));
        double span = max > min ? max - min : 1;
        double At(double x) => (x - min) / span;
        return new Waterfall
        {
            Unit = unit,
            Min = min,
            Max = max,
            Steps =
            [
                .. rows.Select(r => new WaterfallStep
                {
                    Kind = r.Kind,
                    Label = r.Label,
                    Value = r.Value,
                    Before = r.Before,
                    After = r.After,
                    From = At(Math.Min(r.Before, r.After)),
                    To = At(Math.Max(r.Before, r.After)),
                    Bar = r.Kind is "base" or "output"
                        ? Rendering.TextBar.Span(At(r.After), At(r.After), '\u2502', width)
                        : Rendering.TextBar.Span(At(r.Before), At(r.After), r.Value >= 0 ? '\u2588' : '\u2591', width),
                }),
            ],
        };
    }
}
