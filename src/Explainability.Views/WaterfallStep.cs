namespace Explainability.Views;

/// <summary>One row of a <see cref="Waterfall"/>. Immutable.</summary>
public sealed record WaterfallStep
{
    /// <summary><c>base</c> (the base value), <c>item</c> (a shown attribution), <c>offset</c> (the model's per-row offset),
    /// <c>not-shown</c> (what the shown values leave unexplained: the additivity residual, rounding, values not shown) or <c>output</c> (the model output).</summary>
    public required string Kind { get; init; }

    /// <summary>What the row stands for: the item's label, <c>base value</c>, <c>offset</c>, ...</summary>
    public required string Label { get; init; }

    /// <summary>The change this row adds, in <see cref="Waterfall.Unit"/>; for <c>base</c> and <c>output</c> the total itself.</summary>
    public required double Value { get; init; }

    /// <summary>The running total before the row.</summary>
    public required double Before { get; init; }

    /// <summary>The running total after the row (for <c>base</c> and <c>output</c>: <see cref="Value"/>).</summary>
    public required double After { get; init; }

    /// <summary>Where the bar starts on the chart's axis, 0 (<see cref="Waterfall.Min"/>) to 1 (<see cref="Waterfall.Max"/>).</summary>
    public required double From { get; init; }

    /// <summary>Where the bar ends on the chart's axis, 0..1; equal to <see cref="From"/> for a marker (<c>base</c>, <c>output</c>).</summary>
    public required double To { get; init; }

    /// <summary>The bar in block characters (<c>█</c> raising, <c>░</c> lowering, <c>│</c> a total), with leading spaces for its start.</summary>
    public required string Bar { get; init; }
}
