using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Sums features into their model-card group (Shapley values are additive, so a group's value is the sum of its
/// members'). Features without a group stay on their own. Measures what grouping hides: the share of total |phi| that
/// cancels inside groups, <c>sum over groups (sum |phi_f| - |sum phi_f|) / sum |phi|</c>.
/// </summary>
public static class GroupByFeatureGroup
{
    /// <summary>Groups when the policy asks for it; an entry when at least one group merges two or more features.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (!policy.GroupByFeatureGroup)
        {
            return StepResult.Unchanged(draft);
        }

        var items = new List<DraftItem>();
        var merged = new List<string>();
        var mergedLabels = new List<string>();
        double cancelled = 0;
        foreach (var group in draft.Items.GroupBy(i => i.Group.Length == 0 ? "\0" + i.Key : i.Group, StringComparer.Ordinal))
        {
            var members = group.ToList();
            if (members.Count == 1)
            {
                items.Add(members[0]);
                continue;
            }

            var features = members.SelectMany(i => i.Features).ToList();
            merged.AddRange(features);
            mergedLabels.AddRange(members.SelectMany(i => i.FeatureLabels));
            double sumAbs = features.Sum(f => Math.Abs(draft.FeaturePhi[f]));
            double absSum = Math.Abs(features.Sum(f => draft.FeaturePhi[f]));
            cancelled += sumAbs - absSum;
            items.Add(new DraftItem
            {
                Key = "group:" + group.Key,
                Label = group.Key,
                Features = features,
                FeatureLabels = [.. members.SelectMany(i => i.FeatureLabels)],
                Value = members.Sum(i => i.Value),
                Tags = [.. members.SelectMany(i => i.Tags).Distinct(StringComparer.Ordinal)],
                Group = group.Key,

                // A reason statement or description every member shares (a card may give a group's features one) speaks
                // for the group; otherwise the group has none rather than one member's.
                Reason = Shared(members, i => i.Reason),
                Description = Shared(members, i => i.Description),
            });
        }

        if (merged.Count == 0)
        {
            return StepResult.Unchanged(draft);
        }

        var entry = new OmissionEntry
        {
            Kind = OmissionKind.Grouped,
            Features = merged,
            FeatureLabels = mergedLabels,
            Fields = ["per-feature values", "case values", "percentiles", "standard errors"],
            Rule = "groupByFeatureGroup = true",
            CancelledShareOfAbsPhi = draft.TotalAbsPhi > 0 ? Math.Max(0, cancelled) / draft.TotalAbsPhi : 0,
            Unit = draft.Unit,
        };
        return new StepResult(draft with { Items = items }, [entry]);
    }

    private static string? Shared(List<DraftItem> members, Func<DraftItem, string?> text)
    {
        string? first = text(members[0]);
        return first is not null && members.All(m => string.Equals(text(m), first, StringComparison.Ordinal)) ? first : null;
    }
}
