using System.Globalization;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Raises a <c>protected-feature-share</c> governance alert for each <c>protected</c> feature whose |phi| is more than
/// <see cref="AudiencePolicy.GovernanceThreshold"/> of the total |phi| of the explained output (measured in the
/// explanation's own space, on every feature, before anything is hidden or grouped). Changes nothing that is shown and
/// leaves nothing out, so it records no omission. A feature hidden from the audience is counted, not named.
/// </summary>
public static class ProtectedShareAlert
{
    /// <summary>The kind of the alerts this step raises.</summary>
    public const string Kind = "protected-feature-share";

    /// <summary>Adds the alerts when the policy sets a threshold; the strongest share first.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.GovernanceThreshold is not double threshold || draft.TotalAbsPhi <= 0)
        {
            return StepResult.Unchanged(draft);
        }

        string rule = string.Create(CultureInfo.InvariantCulture, $"governanceThreshold = {threshold}");
        var alerts = new List<GovernanceAlert>();
        foreach (var (feature, label, share) in draft.Items
            .Where(i => i.Features.Count == 1 && i.Tags.Contains("protected", StringComparer.Ordinal))
            .Select(i => (Feature: i.Features[0], Label: i.FeatureLabels[0], Share: Math.Abs(draft.FeaturePhi[i.Features[0]]) / draft.TotalAbsPhi))
            .Where(x => x.Share > threshold)
            .OrderByDescending(x => x.Share)
            .ThenBy(x => x.Feature, StringComparer.Ordinal))
        {
            bool withheld = draft.WithheldFeatures.Contains(feature);
            string who = withheld ? "a protected feature that cannot be named here" : $"protected feature '{label}' ({feature})";
            alerts.Add(new GovernanceAlert
            {
                Kind = Kind,
                Features = withheld ? [] : [feature],
                FeatureLabels = withheld ? [] : [label],
                WithheldFeatureCount = withheld ? 1 : 0,
                Share = share,
                Threshold = threshold,
                Rule = rule,
                Message = string.Create(CultureInfo.InvariantCulture,
                    $"{who} carries {share * 100:0.0}% of the total |SHAP| of this case, more than the governance threshold of {threshold * 100:0.##}%"),
            });
        }

        return alerts.Count == 0 ? StepResult.Unchanged(draft) : new StepResult(draft with { Alerts = [.. draft.Alerts, .. alerts] }, []);
    }
}
