using Explainability.Core.Explanations;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// The state a projection works on: what a view would show so far, plus what the steps need to MEASURE their loss
/// (the signed margin phi of every feature). Immutable; each step returns a new draft. Never reaches a template:
/// <see cref="Projector"/> turns the final draft into an <see cref="AudienceView"/>.
/// </summary>
public sealed record ViewDraft
{
    /// <summary>What is shown so far.</summary>
    public required IReadOnlyList<DraftItem> Items { get; init; }

    /// <summary>Signed phi of EVERY raw feature for the explained output, in the explanation's space; the yardstick for shares.</summary>
    public required IReadOnlyDictionary<string, double> FeaturePhi { get; init; }

    /// <summary>Features hidden from this audience by tag; their names never reach the audience's view.</summary>
    public IReadOnlySet<string> WithheldFeatures { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Sum of |phi| over all features.</summary>
    public required double TotalAbsPhi { get; init; }

    /// <summary>The scale of <see cref="DraftItem.Value"/>, <see cref="BaseValue"/> and <see cref="ModelOutput"/>.</summary>
    public required OutputScale Scale { get; init; }

    /// <summary>Unit of values, e.g. <c>log-odds</c>, <c>percentage points</c>.</summary>
    public required string Unit { get; init; }

    /// <summary>Unit of base value and model output, e.g. <c>log-odds</c>, <c>%</c>.</summary>
    public required string ScoreUnit { get; init; }

    /// <summary>How values were rescaled, in words; null when they are in the explanation's own space.</summary>
    public string? ScaleMethod { get; init; }

    /// <summary>Whether values were rescaled from margin into probability points by <see cref="RescaleToProbability"/>'s proportional method.</summary>
    public bool RescaledFromMargin { get; init; }

    /// <summary>Base value in <see cref="ScoreUnit"/>.</summary>
    public required double BaseValue { get; init; }

    /// <summary>Model output in <see cref="ScoreUnit"/>.</summary>
    public required double ModelOutput { get; init; }

    /// <summary>The link of the explained model.</summary>
    public required LinkFunction Link { get; init; }

    /// <summary>The space of the explanation the draft came from.</summary>
    public required OutputSpace ExplanationSpace { get; init; }

    /// <summary>Index of the explained output.</summary>
    public required int OutputIndex { get; init; }

    /// <summary>Names of the explanation's outputs other than <see cref="OutputIndex"/>, in output order; empty for a single output.</summary>
    public IReadOnlyList<string> OtherOutputs { get; init; } = [];

    /// <summary>Sum of |phi| of this row over the features and <see cref="OtherOutputs"/>, in the explanation's space.</summary>
    public double OtherOutputsAbsPhi { get; init; }

    /// <summary>Base values of all outputs of the row, in the explanation's space, <c>[outputs]</c>.</summary>
    public required IReadOnlyList<double> RowBaseValues { get; init; }

    /// <summary>Model outputs of all outputs of the row, in the explanation's space, <c>[outputs]</c>.</summary>
    public required IReadOnlyList<double> RowOutputs { get; init; }

    /// <summary>Probability (0..1) of the explained output, or null when the link has none (identity, exp).</summary>
    public double? Probability { get; init; }

    /// <summary>Decision threshold on the probability (0..1), from the model card.</summary>
    public double? DecisionThreshold { get; init; }

    /// <summary>The row's per-row offset for the explained output in <see cref="Unit"/> (casebook C11), or null when the model has none.</summary>
    public double? Offset { get; init; }

    /// <summary>The same offset in the explanation's own space, unscaled: the yardstick for its share.</summary>
    public double? ExplanationOffset { get; init; }

    /// <summary>Where the offset comes from, e.g. <c>input 'offset'</c>; null without one.</summary>
    public string? OffsetSource { get; init; }

    /// <summary>Whether the offset is shown.</summary>
    public bool OffsetShown { get; init; } = true;

    /// <summary>The offset as far as it is shown: the value when there is one and it is shown, else 0.</summary>
    public double ShownOffset => OffsetShown && Offset is double v ? v : 0;

    /// <summary>The case's outcome: true when <see cref="Probability"/> is at or above <see cref="DecisionThreshold"/> (the
    /// positive outcome), false below it, null when there is no probability or threshold. Fixed by <see cref="DraftBuilder"/>
    /// from the explanation; no step changes it.</summary>
    public bool? OutcomeIsPositive => Probability is double p && DecisionThreshold is double t ? p >= t : null;

    /// <summary>The sign (+1 or -1) of the values that push toward the case's outcome: -1 for a negative outcome, +1 otherwise
    /// (also when there is no decision, so such a view reads as before: toward the explained output).</summary>
    public int OutcomeSign => OutcomeIsPositive == false ? -1 : 1;

    /// <summary>Explainer name.</summary>
    public required string Method { get; init; }

    /// <summary>Explainer parameters.</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>Additivity residual of the explained row and output, in the explanation's space.</summary>
    public required double AdditivityResidual { get; init; }

    /// <summary>Unit of the explanation's own space.</summary>
    public required string ExplanationUnit { get; init; }

    /// <summary>Whether the model output (and threshold, probability) is shown.</summary>
    public bool OutputShown { get; init; } = true;

    /// <summary>Whether the base value is shown.</summary>
    public bool BaseShown { get; init; } = true;

    /// <summary>Whether attribution amounts are shown.</summary>
    public bool ValuesShown { get; init; } = true;

    /// <summary>Whether method, parameters and residual are shown.</summary>
    public bool TechnicalShown { get; init; } = true;

    /// <summary>Governance alerts raised so far (<see cref="ProtectedShareAlert"/>, ...); they reach the view as they are, so
    /// a step names in them only features the audience may see.</summary>
    public IReadOnlyList<GovernanceAlert> Alerts { get; init; } = [];

    /// <summary>Share (0..1) of <see cref="TotalAbsPhi"/> carried by <paramref name="features"/>; 0 when the total is 0.</summary>
    public double ShareOf(IEnumerable<string> features)
    {
        if (TotalAbsPhi <= 0)
        {
            return 0;
        }

        double sum = 0;
        foreach (string f in features)
        {
            sum += Math.Abs(FeaturePhi[f]);
        }

        return sum / TotalAbsPhi;
    }
}
