using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>Keeps which features are shown and their direction, but not how much each contributed.</summary>
public static class HideAttributionValues
{
    /// <summary>Hides the amounts when the policy says <see cref="AudiencePolicy.ShowValues"/> is false.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.ShowValues || !draft.ValuesShown)
        {
            return StepResult.Unchanged(draft);
        }

        var entry = new OmissionEntry
        {
            Kind = OmissionKind.ValuesHidden,
            Features = [.. draft.Items.SelectMany(i => i.Features)],
            FeatureLabels = [.. draft.Items.SelectMany(i => i.FeatureLabels)],
            // A shown per-row offset is an amount too: it goes with the values.
            Fields = draft.OffsetShown && draft.Offset is not null ? ["attribution values", "standard errors", "offset"] : ["attribution values", "standard errors"],
            Rule = "showValues = false",
            Unit = draft.Unit,
        };
        return new StepResult(draft with { ValuesShown = false }, [entry]);
    }
}
