namespace Explainability.Views.Context;

/// <summary>The counterfactual block of a view: verified suggestions, or an honest "none found". Immutable; part of <see cref="AudienceView"/>.</summary>
public sealed record CounterfactualView
{
    /// <summary>Verified suggestions, smallest first; empty when the search found none within its budget.</summary>
    public required IReadOnlyList<CounterfactualSuggestion> Suggestions { get; init; }

    /// <summary>Whether the search stopped at its budget before it had tried every allowed change.</summary>
    public required bool BudgetExhausted { get; init; }

    /// <summary>Whether the case had no allowed change to try at all (no visible actionable feature, or none with a value
    /// to move to): then there is nothing to suggest, which is not the same as "no change helps".</summary>
    public bool NothingToChange { get; init; }
}
