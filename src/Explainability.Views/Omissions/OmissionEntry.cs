namespace Explainability.Views.Omissions;

/// <summary>
/// One thing a projection step left out or changed, with the loss it MEASURED. Created only by the steps under
/// <c>Projection/</c>, never by hand. Amounts are in <see cref="Unit"/> (the view's unit when the step ran).
/// </summary>
public sealed record OmissionEntry
{
    /// <summary>What was left out.</summary>
    public required OmissionKind Kind { get; init; }

    /// <summary>Raw names of the features concerned. In an audience's view, features hidden from that audience are
    /// removed from this list and counted in <see cref="WithheldFeatureCount"/>.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Display names of <see cref="Features"/> in the view's language, same order.</summary>
    public IReadOnlyList<string> FeatureLabels { get; init; } = [];

    /// <summary>Number of features concerned that cannot be named to this audience.</summary>
    public int WithheldFeatureCount { get; init; }

    /// <summary>View fields concerned (<c>model output</c>, <c>base value</c>, <c>attribution values</c>, ...).</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];

    /// <summary>The policy rule that caused it, e.g. <c>hiddenTags = protected, internal</c>.</summary>
    public required string Rule { get; init; }

    /// <summary>Share of the total |phi| of the explained output carried by the features this entry removed (0..1), or null.</summary>
    public double? ShareOfAbsPhi { get; init; }

    /// <summary>Sum of the removed values: the part of (model output - base value) this step leaves unexplained, in <see cref="Unit"/>; or null.</summary>
    public double? UnexplainedPart { get; init; }

    /// <summary>For <see cref="OmissionKind.Grouped"/>: share of total |phi| that cancels inside groups (0..1).</summary>
    public double? CancelledShareOfAbsPhi { get; init; }

    /// <summary>For <see cref="OmissionKind.HiddenTagged"/>: how many hidden features would have been among the top items under the policy's selection.</summary>
    public int? HiddenAmongTop { get; init; }

    /// <summary>For <see cref="OmissionKind.Rounded"/>: the largest absolute rounding error, in <see cref="Unit"/>.</summary>
    public double? MaxRoundingError { get; init; }

    /// <summary>For <see cref="OmissionKind.ScaleChanged"/>: the factor each margin value was multiplied by.</summary>
    public double? ScaleFactor { get; init; }

    /// <summary>For <see cref="OmissionKind.ScaleChanged"/>: the largest difference between a feature's proportional share and
    /// its stand-alone effect <c>p(base + phi) - p(base)</c>, in <see cref="Unit"/>: how much the single numbers depend on the method.</summary>
    public double? MaxMethodDisagreement { get; init; }

    /// <summary>For <see cref="OmissionKind.ScaleChanged"/>: how values were rescaled, in words.</summary>
    public string? Method { get; init; }

    /// <summary>For <see cref="OmissionKind.OffsetNotShown"/>: the offset's share of the whole composition of the score,
    /// <c>|offset| / (sum over all features of |phi| + |offset|)</c> (0..1), measured in the explanation's space.</summary>
    public double? ShareOfAbsTotal { get; init; }

    /// <summary>For <see cref="OmissionKind.UncertaintyDropped"/>: the largest standard error dropped, in <see cref="Unit"/>.</summary>
    public double? MaxStandardError { get; init; }

    /// <summary>For <see cref="OmissionKind.OtherOutputs"/>: the outputs not shown carry this share of the row's |phi| summed
    /// over all outputs, <c>sum over other outputs of |phi| / sum over all outputs of |phi|</c> (0..1), measured in the
    /// explanation's space.</summary>
    public double? ShareOfAllOutputsAbsPhi { get; init; }

    /// <summary>Unit of the amounts in this entry.</summary>
    public string Unit { get; init; } = "";
}
