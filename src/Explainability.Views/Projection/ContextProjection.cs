using Explainability.Views.Context;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Turns the context blocks computed outside the projection (verified counterfactuals, similar reference cases) into what
/// an audience may see, under its policy: only when the policy asks for the block, in the audience's language, and never
/// naming a feature hidden from it.
/// </summary>
public static class ContextProjection
{
    /// <summary>The counterfactual block of the view, or null when the policy has no
    /// <see cref="ContextBlocks.Counterfactuals"/> or no search ran. A suggestion that touches a feature in
    /// <paramref name="withheld"/> is dropped whole (the server searches only visible features; this is the second lock).</summary>
    public static CounterfactualView? Counterfactuals(ExplanationContext context, AudiencePolicy policy, IReadOnlySet<string> withheld)
    {
        if (!policy.Context.HasFlag(ContextBlocks.Counterfactuals) || context.Counterfactuals is not { } findings)
        {
            return null;
        }

        var cards = context.Card.Features.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var suggestions = findings.Suggestions
            .Where(s => s.All(c => !withheld.Contains(c.Feature) && cards.ContainsKey(c.Feature)))
            .Select(s => new CounterfactualSuggestion
            {
                Changes =
                [
                    .. s.Select(c =>
                    {
                        var card = cards[c.Feature];
                        return new SuggestedChange
                        {
                            Feature = c.Feature,
                            Label = DraftBuilder.Label(card, policy.Language),
                            From = DraftBuilder.ValueText(card, c.From, policy.Language),
                            To = DraftBuilder.ValueText(card, c.To, policy.Language),
                            AllowedDirection = card.ActionableDirection ?? "any",
                        };
                    }),
                ],
            })
            .ToList();
        return new CounterfactualView { Suggestions = suggestions, BudgetExhausted = findings.BudgetExhausted, NothingToChange = findings.CandidateCount == 0 };
    }

    /// <summary>The similar cases of the view, nearest first, or null when the policy has no
    /// <see cref="ContextBlocks.SimilarCases"/> or none were computed.</summary>
    public static IReadOnlyList<SimilarCase>? SimilarCases(ExplanationContext context, AudiencePolicy policy) =>
        !policy.Context.HasFlag(ContextBlocks.SimilarCases) || context.SimilarCases is not { } found
            ? null
            : [.. found.Select((s, i) => new SimilarCase { Rank = i + 1, ReferenceRow = s.ReferenceRow, Outcome = s.Outcome, Distance = s.Distance })];
}
