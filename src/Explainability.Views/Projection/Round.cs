using System.Globalization;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>Rounds the shown numbers to the policy's decimals (midpoints away from zero) and records the largest rounding error.</summary>
public static class Round
{
    /// <summary>Rounds when the policy sets <see cref="AudiencePolicy.Decimals"/> and some number is shown.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.Decimals is not int d || (!draft.ValuesShown && !draft.BaseShown && !draft.OutputShown))
        {
            return StepResult.Unchanged(draft);
        }

        double maxError = 0;
        var fields = new List<string>();
        double R(double v)
        {
            double rounded = Math.Round(v, d, MidpointRounding.AwayFromZero);
            maxError = Math.Max(maxError, Math.Abs(rounded - v));
            return rounded;
        }

        var next = draft;
        if (draft.ValuesShown)
        {
            fields.Add("attribution values");
            next = next with { Items = [.. draft.Items.Select(i => i with { Value = R(i.Value), SignBeforeRounding = i.Sign, ValueBeforeRounding = i.ValueBeforeRounding ?? i.Value, StandardError = i.StandardError is double s ? R(s) : null })] };
        }

        if (draft.OffsetShown && draft.Offset is double offset)
        {
            fields.Add("offset");
            next = next with { Offset = R(offset) };
        }

        if (draft.BaseShown)
        {
            fields.Add("base value");
            next = next with { BaseValue = R(draft.BaseValue) };
        }

        if (draft.OutputShown)
        {
            fields.Add("model output");
            next = next with { ModelOutput = R(draft.ModelOutput) };
        }

        var entry = new OmissionEntry
        {
            Kind = OmissionKind.Rounded,
            Fields = fields,
            Rule = string.Create(CultureInfo.InvariantCulture, $"decimals = {d}"),
            MaxRoundingError = maxError,
            Unit = draft.Unit,
        };
        return new StepResult(next, [entry]);
    }
}
