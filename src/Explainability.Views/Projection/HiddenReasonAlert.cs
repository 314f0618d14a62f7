using System.Globalization;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Raises a <c>hidden-factor-among-customer-reasons</c> governance alert when a feature the customer's policy hides would
/// have been among the customer's principal reasons for the same row (the customer view then says only that another factor
/// also weighed, <see cref="AudienceView.HiddenFactorAmongTop"/>). Derived, not stored: the customer's selection is
/// recomputed here with <see cref="HideTagged.HiddenAmongTop"/> on the customer's draft, so the alert and the customer's
/// sentence cannot disagree. Independent of <see cref="AudiencePolicy.GovernanceThreshold"/>. Shows nothing and leaves
/// nothing out, so it records no omission; a feature hidden from this view's own audience is counted, not named.
/// </summary>
public static class HiddenReasonAlert
{
    /// <summary>The kind of the alert this step raises.</summary>
    public const string Kind = "hidden-factor-among-customer-reasons";

    /// <summary><paramref name="draft"/> with the alert added when a hidden feature is among the customer's principal reasons.</summary>
    /// <param name="draft">The draft of the view being projected (its labels and withheld features are used).</param>
    /// <param name="context">The explained row.</param>
    /// <param name="customerPolicy">The customer's policy for this model (defaults with the card's overrides).</param>
    public static ViewDraft Apply(ViewDraft draft, ExplanationContext context, AudiencePolicy customerPolicy)
    {
        var customer = Projector.DraftBeforeHideTagged(context, customerPolicy);
        var hidden = HideTagged.HiddenAmongTop(customer, customerPolicy).SelectMany(i => i.Features).ToList();
        if (hidden.Count == 0)
        {
            return draft;
        }

        var labels = draft.Items.Where(i => i.Features.Count == 1).ToDictionary(i => i.Features[0], i => i.FeatureLabels[0], StringComparer.Ordinal);
        var named = hidden.Where(f => !draft.WithheldFeatures.Contains(f)).ToList();
        int withheld = hidden.Count - named.Count;
        double share = draft.ShareOf(hidden);
        var parts = named.Select(f => $"'{labels.GetValueOrDefault(f, f)}' ({f})").ToList();
        if (withheld > 0)
        {
            parts.Add(withheld == 1 ? "a feature that cannot be named here" : $"{withheld} features that cannot be named here");
        }

        string who = hidden.Count == 1 ? $"hidden feature {parts[0]} is" : $"{hidden.Count} hidden features ({string.Join(", ", parts)}) are";
        string rule = string.Create(CultureInfo.InvariantCulture,
            $"customer policy: hiddenTags = {string.Join(", ", customerPolicy.HiddenTags)}; selection = {PolicyReader.Kebab(customerPolicy.Selection.ToString())}, topK = {customerPolicy.TopK}, topLowering = {customerPolicy.TopLowering}");
        var alert = new GovernanceAlert
        {
            Kind = Kind,
            Features = named,
            FeatureLabels = [.. named.Select(f => labels.GetValueOrDefault(f, f))],
            WithheldFeatureCount = withheld,
            Share = share,
            Rule = rule,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"{who} among the customer's principal reasons for this case ({share * 100:0.0}% of the total |SHAP|); the customer view cannot list {(hidden.Count == 1 ? "it" : "them")} and says only that {(hidden.Count == 1 ? "another factor" : "other factors")} also weighed"),
        };
        return draft with { Alerts = [.. draft.Alerts, alert] };
    }
}
