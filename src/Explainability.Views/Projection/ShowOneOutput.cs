using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// A view explains one output (<see cref="ExplanationContext.Output"/>); a multi-output explanation (a multiclass model,
/// a classifier serving one probability per class) has attributions for the others too. This step records them as left
/// out, with their share of the row's |phi| over all outputs, so that no view claims to leave out nothing.
/// </summary>
public static class ShowOneOutput
{
    /// <summary>Records the outputs other than the explained one; the draft itself is unchanged.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.OtherOutputs.Count == 0)
        {
            return StepResult.Unchanged(draft);
        }

        double all = draft.TotalAbsPhi + draft.OtherOutputsAbsPhi;
        var entry = new OmissionEntry
        {
            Kind = OmissionKind.OtherOutputs,
            Fields = [.. draft.OtherOutputs.Select(n => $"output '{n}'")],
            Rule = "a view explains one output",
            ShareOfAllOutputsAbsPhi = all > 0 ? draft.OtherOutputsAbsPhi / all : 0,
            Unit = draft.ExplanationUnit,
        };
        return new StepResult(draft, [entry]);
    }
}
