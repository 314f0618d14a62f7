namespace Explainability.Views.Context;

/// <summary>A verified change of one or two features that would have changed the decision. Immutable; part of <see cref="AudienceView"/>.</summary>
public sealed record CounterfactualSuggestion
{
    /// <summary>The changes, one or two, all of them needed together.</summary>
    public required IReadOnlyList<SuggestedChange> Changes { get; init; }
}
