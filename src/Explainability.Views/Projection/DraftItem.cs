namespace Explainability.Views.Projection;

/// <summary>One attribution in a <see cref="ViewDraft"/>: a raw feature, or a group of them after
/// <see cref="GroupByFeatureGroup"/>. Value in the draft's unit.</summary>
public sealed record DraftItem
{
    /// <summary>Stable key: the feature name, or <c>group:</c> + group name.</summary>
    public required string Key { get; init; }

    /// <summary>Display name in the view's language.</summary>
    public required string Label { get; init; }

    /// <summary>Raw names of the features this item stands for.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Display names of <see cref="Features"/>, same order.</summary>
    public required IReadOnlyList<string> FeatureLabels { get; init; }

    /// <summary>Attribution toward the explained output, in the draft's unit.</summary>
    public required double Value { get; init; }

    /// <summary>The sign of <see cref="Value"/> before <see cref="Round"/> ran (so a value rounded to zero keeps its direction), or null before rounding.</summary>
    public int? SignBeforeRounding { get; init; }

    /// <summary><see cref="Value"/> before <see cref="Round"/> ran, or null before rounding: items are ordered by it, so that
    /// two values rounded alike keep their true order.</summary>
    public double? ValueBeforeRounding { get; init; }

    /// <summary>|value| before rounding: the strength items are ordered by.</summary>
    public double Strength => Math.Abs(ValueBeforeRounding ?? Value);

    /// <summary>The direction of the attribution: +1 toward the explained output, -1 away, 0 none; unaffected by rounding.</summary>
    public int Sign => SignBeforeRounding ?? Math.Sign(Value);

    /// <summary>Standard error of <see cref="Value"/> for sampled explainers, or null.</summary>
    public double? StandardError { get; init; }

    /// <summary>Model-card tags of the features (union for a group).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Model-card group ("" for none).</summary>
    public string Group { get; init; } = "";

    /// <summary>The case's value as text with unit or category label, or null.</summary>
    public string? CaseValue { get; init; }

    /// <summary>Percentile (0..100) of the case's value in the background, or the share (0..100) of background rows with the
    /// same category; null when unknown.</summary>
    public double? Percentile { get; init; }

    /// <summary><c>midrank</c> for numeric percentiles, <c>same-category</c> for categorical shares, or null.</summary>
    public string? PercentileKind { get; init; }

    /// <summary>The feature's description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>The reason statement in the view's language, or null.</summary>
    public string? Reason { get; init; }

    /// <summary>For actionable features, the allowed direction (<c>increase</c>, <c>decrease</c>, <c>any</c>), or null.</summary>
    public string? ActionableDirection { get; init; }
}
