namespace Explainability.Views;

/// <summary>One shown attribution: a feature, or a feature group. Immutable; part of <see cref="AudienceView"/>.</summary>
public sealed record ViewItem
{
    /// <summary>Stable key: the feature name, or <c>group:</c> + group name.</summary>
    public required string Key { get; init; }

    /// <summary>Display name in the view's language (the group name for groups).</summary>
    public required string Label { get; init; }

    /// <summary>Raw names of the features this item stands for.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Display names of <see cref="Features"/>.</summary>
    public required IReadOnlyList<string> FeatureLabels { get; init; }

    /// <summary>Attribution toward the explained output in <see cref="AudienceView.Unit"/>; null when amounts are not shown.</summary>
    public double? Value { get; init; }

    /// <summary>Standard error of <see cref="Value"/>, or null.</summary>
    public double? StandardError { get; init; }

    /// <summary><c>raises</c> (toward the explained output), <c>lowers</c>, or <c>none</c> for a zero value; taken before rounding.</summary>
    public required string Direction { get; init; }

    /// <summary>The case's value with unit or category label, or null.</summary>
    public string? CaseValue { get; init; }

    /// <summary>Percentile (0..100) in the background (<see cref="PercentileKind"/> <c>midrank</c>) or share of background
    /// rows with the same category (<c>same-category</c>), or null.</summary>
    public double? Percentile { get; init; }

    /// <summary><c>midrank</c>, <c>same-category</c>, or null.</summary>
    public string? PercentileKind { get; init; }

    /// <summary>What the feature means, or null.</summary>
    public string? Description { get; init; }

    /// <summary>The model card's reason statement in the view's language ("The amount you applied for"), or null; shown
    /// with <see cref="Policies.ContextBlocks.Descriptions"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>For actionable features, the direction the card allows (<c>increase</c>, <c>decrease</c>, <c>any</c>), or null.</summary>
    public string? ActionableDirection { get; init; }
}
