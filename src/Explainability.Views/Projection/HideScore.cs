using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>Removes the model output (score), its probability and the decision threshold from the view.</summary>
public static class HideScore
{
    /// <summary>Hides the score when the policy says <see cref="AudiencePolicy.ShowScore"/> is false.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.ShowScore || !draft.OutputShown)
        {
            return StepResult.Unchanged(draft);
        }

        var entry = new OmissionEntry
        {
            Kind = OmissionKind.ScoreHidden,
            Fields = draft.DecisionThreshold is null ? ["model output"] : ["model output", "probability", "decision threshold"],
            Rule = "showScore = false",
            Unit = draft.ScoreUnit,
        };
        return new StepResult(draft with { OutputShown = false }, [entry]);
    }
}
