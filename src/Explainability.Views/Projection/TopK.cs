using System.Globalization;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Keeps the items the policy's <see cref="Selection"/> asks for: the k largest by |value|, or the k largest positive
/// (toward the explained output) and the j most negative ones. Measures the share of total |phi| dropped and the sum
/// of dropped values (the part of output minus base the kept items leave unexplained).
/// </summary>
public static class TopK
{
    /// <summary>Applies the selection; no entry when nothing is dropped.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.Selection == Selection.All)
        {
            return StepResult.Unchanged(draft);
        }

        var kept = Select(draft.Items, policy);
        var keptKeys = kept.Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
        var dropped = draft.Items.Where(i => !keptKeys.Contains(i.Key)).ToList();
        if (dropped.Count == 0)
        {
            return new StepResult(draft with { Items = kept }, []);
        }

        var features = dropped.SelectMany(i => i.Features).ToList();
        var entry = new OmissionEntry
        {
            Kind = OmissionKind.NotInTopK,
            Features = features,
            FeatureLabels = [.. dropped.SelectMany(i => i.FeatureLabels)],
            Rule = Rule(policy),
            ShareOfAbsPhi = draft.ShareOf(features),
            UnexplainedPart = dropped.Sum(i => i.Value),
            Unit = draft.Unit,
        };
        return new StepResult(draft with { Items = kept }, [entry]);
    }

    /// <summary>The items <paramref name="policy"/> keeps, strongest first: by |value| for <see cref="Selection.All"/> and
    /// <see cref="Selection.TopByMagnitude"/>; positive ones (descending) then negative ones (ascending) for
    /// <see cref="Selection.TopByDirection"/>. Ties break on the key, so the result is deterministic.</summary>
    public static IReadOnlyList<DraftItem> Select(IReadOnlyList<DraftItem> items, AudiencePolicy policy)
    {
        var byMagnitude = items.OrderByDescending(i => Math.Abs(i.Value)).ThenBy(i => i.Key, StringComparer.Ordinal);
        return policy.Selection switch
        {
            Selection.All => [.. byMagnitude],
            Selection.TopByMagnitude => [.. byMagnitude.Take(policy.TopK)],
            Selection.TopByDirection =>
            [
                .. items.Where(i => i.Value > 0).OrderByDescending(i => i.Value).ThenBy(i => i.Key, StringComparer.Ordinal).Take(policy.TopK),
                .. items.Where(i => i.Value < 0).OrderBy(i => i.Value).ThenBy(i => i.Key, StringComparer.Ordinal).Take(policy.TopLowering),
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Selection, "unknown selection"),
        };
    }

    private static string Rule(AudiencePolicy policy) => policy.Selection == Selection.TopByMagnitude
        ? string.Create(CultureInfo.InvariantCulture, $"selection = top-by-magnitude, topK = {policy.TopK}")
        : string.Create(CultureInfo.InvariantCulture, $"selection = top-by-direction, topK = {policy.TopK}, topLowering = {policy.TopLowering}");
}
