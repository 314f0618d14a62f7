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
        int amongTop = TopK.Select(draft.Items, policy, draft.OutcomeSign).Count(i => hiddenKeys.Contains(i.Key) && i.Value != 0);
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
