using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>Removes the base value (the background's expected output) from the view.</summary>
public static class DropBaseValue
{
    /// <summary>Drops the base value when the policy says <see cref="AudiencePolicy.ShowBaseValue"/> is false.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.ShowBaseValue || !draft.BaseShown)
        {
            return StepResult.Unchanged(draft);
        }

        var entry = new OmissionEntry
        {
            Kind = OmissionKind.BaseValueDropped,
            Fields = ["base value"],
            Rule = "showBaseValue = false",
            Unit = draft.ScoreUnit,
        };
        return new StepResult(draft with { BaseShown = false }, [entry]);
    }
}
