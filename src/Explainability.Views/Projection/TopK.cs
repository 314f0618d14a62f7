using System.Globalization;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Keeps the items the policy's <see cref="Selection"/> asks for: the k largest by |value|, the k largest positive
/// (toward the explained output) and the j most negative ones, or the k strongest toward the case's outcome and the j
/// strongest against it (<see cref="ViewDraft.OutcomeIsPositive"/>). Measures the share of total |phi| dropped and the sum
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

        var kept = Select(draft.Items, policy, draft.OutcomeSign);
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
            Rule = Rule(policy, draft.OutcomeIsPositive),
            ShareOfAbsPhi = draft.ShareOf(features),
            UnexplainedPart = dropped.Sum(i => i.Value),
            Unit = draft.Unit,
        };
        return new StepResult(draft with { Items = kept }, [entry]);
    }

    /// <summary>The items <paramref name="policy"/> keeps, strongest first: by |value| for <see cref="Selection.All"/> and
    /// <see cref="Selection.TopByMagnitude"/>; positive ones (descending) then negative ones (ascending) for
    /// <see cref="Selection.TopByDirection"/>; for <see cref="Selection.TopByDecision"/>, those whose sign is
    /// <paramref name="outcomeSign"/> (strongest first), then the others (strongest first). Ties break on the key, so the
    /// result is deterministic.</summary>
    /// <param name="items">The items to select from.</param>
    /// <param name="policy">The policy whose selection, <see cref="AudiencePolicy.TopK"/> and <see cref="AudiencePolicy.TopLowering"/> apply.</param>
    /// <param name="outcomeSign">For <see cref="Selection.TopByDecision"/>: +1 when the case's outcome is the positive one
    /// (or there is no decision), -1 when it is the negative one; <see cref="ViewDraft.OutcomeSign"/>.</param>
    public static IReadOnlyList<DraftItem> Select(IReadOnlyList<DraftItem> items, AudiencePolicy policy, int outcomeSign)
    {
        var byMagnitude = items.OrderByDescending(i => Math.Abs(i.Value)).ThenBy(i => i.Key, StringComparer.Ordinal);
        return policy.Selection switch
        {
            Selection.All => [.. byMagnitude],
            Selection.TopByMagnitude => [.. byMagnitude.Take(policy.TopK)],
            Selection.TopByDirection => [.. Strongest(items, +1, policy.TopK), .. Strongest(items, -1, policy.TopLowering)],
            Selection.TopByDecision => [.. Strongest(items, outcomeSign, policy.TopK), .. Strongest(items, -outcomeSign, policy.TopLowering)],
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Selection, "unknown selection"),
        };
    }

    /// <summary>The <paramref name="count"/> items whose value has sign <paramref name="sign"/>, largest |value| first.</summary>
    private static IEnumerable<DraftItem> Strongest(IReadOnlyList<DraftItem> items, int sign, int count) =>
        items.Where(i => Math.Sign(i.Value) == sign).OrderByDescending(i => Math.Abs(i.Value)).ThenBy(i => i.Key, StringComparer.Ordinal).Take(count);

    private static string Rule(AudiencePolicy policy, bool? outcomeIsPositive) => policy.Selection switch
    {
        Selection.TopByMagnitude => string.Create(CultureInfo.InvariantCulture, $"selection = top-by-magnitude, topK = {policy.TopK}"),
        Selection.TopByDecision => string.Create(
            CultureInfo.InvariantCulture,
            $"selection = top-by-decision ({(outcomeIsPositive == false ? "negative outcome" : "positive outcome")}), topK = {policy.TopK}, topLowering = {policy.TopLowering}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"selection = top-by-direction, topK = {policy.TopK}, topLowering = {policy.TopLowering}"),
    };
}
