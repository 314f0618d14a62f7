using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Moves margin-space values (log-odds) into probability points by the proportional method: every value (and a per-row
/// offset, which is part of <c>margin(x) - margin(base)</c>) is multiplied
/// by <c>(p(x) - p(base)) / (margin(x) - margin(base))</c>, so the shown values still add up to <c>p(x) - p(base)</c>
/// (plus the scaled additivity residual). When <c>margin(x) = margin(base)</c> the factor is the link's slope at the base
/// value. A single feature's proportional share is not its stand-alone effect <c>p(base + phi) - p(base)</c>; the largest
/// difference is measured and recorded (casebook C30: units must be stated and the method named).
/// </summary>
public static class RescaleToProbability
{
    /// <summary>Margins closer than this count as equal; the slope is used instead of a difference quotient.</summary>
    public const double EqualMarginTolerance = 1e-9;

    /// <summary>Rescales when the policy asks for probability and the draft is in margin space with a non-identity link; an
    /// explanation computed in probability space (0..1) is only multiplied into percentage points.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        if (policy.Scale != OutputScale.Probability || draft.Link == LinkFunction.Identity || draft.ScaleMethod is not null)
        {
            return StepResult.Unchanged(draft);
        }

        if (draft.Scale == OutputScale.Probability)
        {
            return Units.IsProbability(draft.Link) ? ToPoints(draft) : StepResult.Unchanged(draft);
        }

        int o = draft.OutputIndex;
        double pBase = LinkAt(draft.Link, draft.RowBaseValues, o, draft.RowBaseValues[o]);
        double pOut = LinkAt(draft.Link, draft.RowOutputs, o, draft.RowOutputs[o]);
        double multiplier = Units.ResponseMultiplier(draft.Link);
        var (scale, method) = ScaleOf(draft.Link, draft.RowBaseValues, draft.RowOutputs, o);
        double disagreement = 0;
        var items = new List<DraftItem>(draft.Items.Count);
        foreach (var item in draft.Items)
        {
            double standAlone = (LinkAt(draft.Link, draft.RowBaseValues, o, draft.RowBaseValues[o] + item.Value) - pBase) * multiplier;
            disagreement = Math.Max(disagreement, Math.Abs((item.Value * scale) - standAlone));
            items.Add(item with { Value = item.Value * scale, StandardError = item.StandardError * Math.Abs(scale) });
        }

        string newUnit = Units.Response(draft.Link);
        var entry = new OmissionEntry
        {
            Kind = OmissionKind.ScaleChanged,
            Fields = draft.Offset is null ? ["attribution values", "base value", "model output"] : ["attribution values", "offset", "base value", "model output"],
            Rule = "scale = probability",
            ScaleFactor = scale,
            Method = method,
            MaxMethodDisagreement = disagreement,
            Unit = newUnit,
        };
        var next = draft with
        {
            Items = items,
            Offset = draft.Offset * scale,
            Scale = OutputScale.Probability,
            Unit = newUnit,
            ScoreUnit = Units.ResponseScore(draft.Link),
            ScaleMethod = method,
            RescaledFromMargin = true,
            BaseValue = pBase * multiplier,
            ModelOutput = pOut * multiplier,
        };
        return new StepResult(next, [entry]);
    }

    /// <summary>The factor this step multiplies margin values of one row by, into the shown unit (percentage points for
    /// probabilities): the proportional factor <c>(p(x) - p(base)) / (margin(x) - margin(base))</c> times 100, or the link's
    /// slope at the base value where that is undefined or negative; with the method in words.</summary>
    /// <param name="link">The link from margin to the response.</param>
    /// <param name="bases">Base values of all outputs of the row, margin space, <c>[outputs]</c>.</param>
    /// <param name="outputs">Model outputs of all outputs of the row, margin space, <c>[outputs]</c>.</param>
    /// <param name="o">The explained output.</param>
    public static (double Scale, string Method) ScaleOf(LinkFunction link, IReadOnlyList<double> bases, IReadOnlyList<double> outputs, int o)
    {
        double pBase = LinkAt(link, bases, o, bases[o]);
        double pOut = LinkAt(link, outputs, o, outputs[o]);
        double dm = outputs[o] - bases[o];
        double multiplier = Units.ResponseMultiplier(link);
        double factor;
        string method;
        string unit = Units.Margin(link);
        double proportional = Math.Abs(dm) > EqualMarginTolerance ? (pOut - pBase) / dm : double.NaN;
        if (proportional >= 0 && double.IsFinite(proportional))
        {
            factor = proportional;
            method = string.Create(CultureInfo.InvariantCulture,
                $"proportional: each {unit} value multiplied by (p(x) - p(base)) / (margin(x) - margin(base)) = ({pOut:G6} - {pBase:G6}) / {dm:G6} = {factor:G6}");
        }
        else
        {
            // Equal margins, or (softmax only) a probability that moved against its own margin because the other classes'
            // margins moved more: a proportional factor would be undefined or flip every sign, so use the local slope.
            const double h = 1e-5;
            factor = (LinkAt(link, bases, o, bases[o] + h) - LinkAt(link, bases, o, bases[o] - h)) / (2 * h);
            string why = Math.Abs(dm) > EqualMarginTolerance
                ? "the probability moved against its own margin because the other classes' margins moved more; the values do not add up to p(x) - p(base)"
                : "model output equals base value";
            method = string.Create(CultureInfo.InvariantCulture,
                $"local slope ({why}): each {unit} value is multiplied by the link's slope at the base value, {factor:G6}");
        }

        return (factor * multiplier, method);
    }

    private static StepResult ToPoints(ViewDraft draft)
    {
        const double multiplier = 100;
        const string method = "none needed: the explanation is in probability space (additive there); values multiplied by 100 into percentage points";
        var entry = new OmissionEntry
        {
            Kind = OmissionKind.ScaleChanged,
            Fields = draft.Offset is null ? ["attribution values", "base value", "model output"] : ["attribution values", "offset", "base value", "model output"],
            Rule = "scale = probability",
            ScaleFactor = multiplier,
            Method = method,
            MaxMethodDisagreement = 0,
            Unit = Units.PercentagePoints,
        };
        var next = draft with
        {
            Items = [.. draft.Items.Select(i => i with { Value = i.Value * multiplier, StandardError = i.StandardError * multiplier })],
            Offset = draft.Offset * multiplier,
            Unit = Units.PercentagePoints,
            ScoreUnit = "%",
            ScaleMethod = method,
            BaseValue = draft.BaseValue * multiplier,
            ModelOutput = draft.ModelOutput * multiplier,
        };
        return new StepResult(next, [entry]);
    }

    /// <summary>The link's value for output <paramref name="o"/> when its margin is <paramref name="margin"/> and the other
    /// outputs keep their margins in <paramref name="row"/> (matters for softmax only).</summary>
    private static double LinkAt(LinkFunction link, IReadOnlyList<double> row, int o, double margin)
    {
        var m = row.ToArray();
        m[o] = margin;
        var p = new double[m.Length];
        Link.Apply(link, m, p);
        return p[o];
    }
}
