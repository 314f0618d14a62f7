using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Removes features carrying a tag the policy hides (<c>protected</c>, <c>internal</c>). Measures their share of total
/// |phi|, the sum of their values, and how many of them the policy's selection would have put among the top items, in
/// the direction the selection shows (so a view can say that a factor it cannot name also weighed in).
/// </summary>
public static class HideTagged
{
    /// <summary>The items of <paramref name="draft"/> that carry a tag <paramref name="policy"/> hides, have a non-zero value,
    /// and that the policy's selection would have kept had they not been hidden, strongest first. Measured on the draft as
    /// it reaches this step; <see cref="HiddenReasonAlert"/> uses the same measure for the customer's policy.</summary>
    public static IReadOnlyList<DraftItem> HiddenAmongTop(ViewDraft draft, AudiencePolicy policy) =>
        [.. TopK.Select(draft.Items, policy, draft.OutcomeSign)
            .Where(i => i.Value != 0 && i.Tags.Any(t => policy.HiddenTags.Contains(t, StringComparer.Ordinal)))];

    /// <summary>Hides tagged items; no entry when none carries a hidden tag.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.HiddenTags.Count == 0)
        {
            return StepResult.Unchanged(draft);
        }

        var hidden = draft.Items.Where(i => i.Tags.Any(t => policy.HiddenTags.Contains(t, StringComparer.Ordinal))).ToList();
        if (hidden.Count == 0)
        {
            return StepResult.Unchanged(draft);
        }

        var hiddenKeys = hidden.Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
        int amongTop = HiddenAmongTop(draft, policy).Count;
        var features = hidden.SelectMany(i => i.Features).ToList();
        var entry = new OmissionEntry
        {
            Kind = OmissionKind.HiddenTagged,
            Features = features,
            FeatureLabels = [.. hidden.SelectMany(i => i.FeatureLabels)],
            Rule = "hiddenTags = " + string.Join(", ", policy.HiddenTags),
            ShareOfAbsPhi = draft.ShareOf(features),
            UnexplainedPart = hidden.Sum(i => i.Value),
            HiddenAmongTop = amongTop,
            Unit = draft.Unit,
        };
        return new StepResult(draft with { Items = [.. draft.Items.Where(i => !hiddenKeys.Contains(i.Key))] }, [entry]);
    }
}
