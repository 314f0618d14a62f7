using System.Globalization;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Leaves a model's per-row offset (casebook C11) out of the view. The offset is no driver, but it is part of
/// (model output - base value), so the entry records it as unexplained and measures its share of the whole composition
/// of the score, <c>|offset| / (sum of |phi| + |offset|)</c>.
/// </summary>
public static class HideOffset
{
    /// <summary>Hides the offset when there is one and the policy says <see cref="AudiencePolicy.ShowOffset"/> is false.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.ShowOffset || draft.Offset is not double offset || !draft.OffsetShown)
        {
            return StepResult.Unchanged(draft);
        }

        double yardstick = Math.Abs(draft.ExplanationOffset ?? 0);
        double total = draft.TotalAbsPhi + yardstick;
        var entry = new OmissionEntry
        {
            Kind = OmissionKind.OffsetNotShown,
            Fields = [string.Create(CultureInfo.InvariantCulture, $"offset ({draft.OffsetSource})")],
            Rule = "showOffset = false",
            ShareOfAbsTotal = total > 0 ? yardstick / total : 0,
            UnexplainedPart = offset,
            Unit = draft.Unit,
        };
        return new StepResult(draft with { OffsetShown = false }, [entry]);
    }
}
