namespace Explainability.Views.Context;

/// <summary>One change of a <see cref="CounterfactualSuggestion"/>, in the audience's words. Immutable; part of <see cref="AudienceView"/>.</summary>
public sealed record SuggestedChange
{
    /// <summary>Raw feature name.</summary>
    public required string Feature { get; init; }

    /// <summary>Display name in the view's language.</summary>
    public required string Label { get; init; }

    /// <summary>The case's value as a person reads it (category label, or number with unit) in the view's language.</summary>
    public required string From { get; init; }

    /// <summary>The suggested value, in the same words.</summary>
    public required string To { get; init; }

    /// <summary>The direction the model card allows for the feature: <c>increase</c>, <c>decrease</c> or <c>any</c>.</summary>
    public required string AllowedDirection { get; init; }
}
