using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>Removes the explainer's name, its parameters and the additivity residual; the residual's size is recorded.</summary>
public static class DropTechnicalDetails
{
    /// <summary>Drops them when the policy says <see cref="AudiencePolicy.ShowTechnicalDetails"/> is false.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.ShowTechnicalDetails || !draft.TechnicalShown)
        {
            return StepResult.Unchanged(draft);
        }

        var entry = new OmissionEntry
        {
            Kind = OmissionKind.TechnicalDetailsDropped,
            Fields = ["method", "parameters", "additivity residual"],
            Rule = "showTechnicalDetails = false",
            UnexplainedPart = draft.AdditivityResidual,
            Unit = draft.ExplanationUnit,
        };
        return new StepResult(draft with { TechnicalShown = false }, [entry]);
    }
}
