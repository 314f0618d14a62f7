namespace Explainability.Views.Context;

/// <summary>The counterfactual block of a view: verified suggestions, or an honest "none found". Immutable; part of <see cref="AudienceView"/>.</summary>
public sealed record CounterfactualView
{
    /// <summary>Verified suggestions, smallest first; empty when the search found none within its budget.</summary>
    public required IReadOnlyList<CounterfactualSuggestion> Suggestions { get; init; }

    /// <summary>Whether the search stopped at its budget before it had tried every allowed change.</summary>
    public required bool BudgetExhausted { get; init; }
}
