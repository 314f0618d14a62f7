using Explainability.Views.Omissions;

namespace Explainability.Views;

/// <summary>
/// Exactly what a template may see for one audience and one row: no reference to the explanation, so a template cannot
/// show what the projection left out. Numbers are in <see cref="Unit"/> (attributions) and <see cref="ScoreUnit"/>
/// (base value, model output). Fields a policy hides are null. Immutable.
/// </summary>
public sealed record AudienceView
{
    /// <summary>The audience (<see cref="Audiences"/>).</summary>
    public required string Audience { get; init; }

    /// <summary>Language code of labels and template.</summary>
    public required string Language { get; init; }

    /// <summary>Model id.</summary>
    public required string ModelId { get; init; }

    /// <summary>Model version.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>What the model is for.</summary>
    public required string ModelDescription { get; init; }

    /// <summary>What the explained output means ("probability of bad credit risk").</summary>
    public required string OutputDescription { get; init; }

    /// <summary>The explained class, or null for regressors.</summary>
    public string? PositiveClass { get; init; }

    /// <summary>Name of the explained output (a class label, or a target index such as <c>0</c> for a regressor).</summary>
    public string ExplainedOutput { get; init; } = "";

    /// <summary>What the positive outcome (probability at or above the decision threshold) means for the person ("the
    /// application is declined"); empty when the model card does not say.</summary>
    public required string PositiveOutcome { get; init; }

    /// <summary>What the negative outcome (probability below the decision threshold) means for the person ("the application
    /// is assessed as an acceptable credit risk"); empty when the model card does not say.</summary>
    public required string NegativeOutcome { get; init; }

    /// <summary>The case's outcome: true when the explained output's probability is at or above the model card's decision
    /// threshold, false below it, null when the model has no probability. Set for every audience, also when the score
    /// itself is hidden: the outcome is what the person was told, the score is not.</summary>
    public bool? OutcomeIsPositive { get; init; }

    /// <summary>The sentence of the case's outcome: <see cref="NegativeOutcome"/> when <see cref="OutcomeIsPositive"/> is
    /// false, else <see cref="PositiveOutcome"/>; empty when the model card does not say.</summary>
    public string Outcome => OutcomeIsPositive == false ? NegativeOutcome : PositiveOutcome;

    /// <summary><c>margin</c> or <c>probability</c>.</summary>
    public required string Scale { get; init; }

    /// <summary>Unit of attribution values: <c>log-odds</c>, <c>percentage points</c>, ...</summary>
    public required string Unit { get; init; }

    /// <summary>The decimals the policy rounded the shown numbers to (attribution values, offset, base value, model output;
    /// <see cref="Omissions.OmissionKind.Rounded"/>), or null when they are unrounded.</summary>
    public int? Decimals { get; init; }

    /// <summary>The .NET number format that prints those numbers exactly as rounded: <c>0</c> for 0 decimals, <c>0.0000</c>
    /// for 4, and <c>0.0###############</c> (every digit a double holds) when unrounded; templates format with it, so the
    /// omission record's rounding entry describes what is printed.</summary>
    public string NumberFormat => Decimals is int d ? (d == 0 ? "0" : "0." + new string('0', d)) : "0.0###############";

    /// <summary>Unit of base value and model output: <c>log-odds</c>, <c>%</c>, ...</summary>
    public required string ScoreUnit { get; init; }

    /// <summary><see cref="ScoreUnit"/> as written after a number: <c>%</c> attached (<c>7.0%</c>), any other unit after a
    /// space (<c>7.0 log-odds</c>).</summary>
    public string ScoreSuffix => ScoreUnit == "%" ? "%" : " " + ScoreUnit;

    /// <summary>How values were rescaled from the explanation's space, or null when they are in it.</summary>
    public string? ScaleMethod { get; init; }

    /// <summary>Model output of the row in <see cref="ScoreUnit"/>, or null when hidden.</summary>
    public double? ModelOutput { get; init; }

    /// <summary>Base value in <see cref="ScoreUnit"/>, or null when hidden.</summary>
    public double? BaseValue { get; init; }

    /// <summary>The model's per-row offset for this row in <see cref="Unit"/> (a model input added to the margin, casebook C11),
    /// or null when the model has none or the policy does not show it. Not a driver: base value + sum of all values + offset
    /// = model output in the explanation's space.</summary>
    public double? Offset { get; init; }

    /// <summary>Where <see cref="Offset"/> comes from (<c>input 'offset'</c>), or null when it is not shown.</summary>
    public string? OffsetSource { get; init; }

    /// <summary>Probability (0..1) of the explained output, or null when hidden or not a probability model.</summary>
    public double? Probability { get; init; }

    /// <summary>Decision threshold on the probability (0..1), or null when hidden.</summary>
    public double? DecisionThreshold { get; init; }

    /// <summary>Whether attribution amounts are shown (<see cref="ViewItem.Value"/> non-null).</summary>
    public required bool ValuesShown { get; init; }

    /// <summary>Shown items, strongest first (by |value|; for <c>top-by-direction</c>, raising then lowering; for
    /// <c>top-by-decision</c>, those toward the case's outcome first).</summary>
    public required IReadOnlyList<ViewItem> Items { get; init; }

    /// <summary>The shown items with direction <c>raises</c>.</summary>
    public IReadOnlyList<ViewItem> Raising => [.. Items.Where(i => i.Direction == "raises")];

    /// <summary>The shown items with direction <c>lowers</c>.</summary>
    public IReadOnlyList<ViewItem> Lowering => [.. Items.Where(i => i.Direction == "lowers")];

    /// <summary>The shown items pushing toward the case's outcome: <see cref="Lowering"/> when <see cref="OutcomeIsPositive"/>
    /// is false, else <see cref="Raising"/>.</summary>
    public IReadOnlyList<ViewItem> TowardOutcome => OutcomeIsPositive == false ? Lowering : Raising;

    /// <summary>Whether a feature this audience may see pushes toward the explained output (non-zero, positive) but is not
    /// shown because of the policy's selection: an empty <see cref="Raising"/> then means "not shown", not "none".</summary>
    public bool RaisingLeftOut { get; init; }

    /// <summary>As <see cref="RaisingLeftOut"/> for features pushing away from the explained output.</summary>
    public bool LoweringLeftOut { get; init; }

    /// <summary><see cref="LoweringLeftOut"/> when <see cref="OutcomeIsPositive"/> is false, else <see cref="RaisingLeftOut"/>.</summary>
    public bool TowardOutcomeLeftOut => OutcomeIsPositive == false ? LoweringLeftOut : RaisingLeftOut;

    /// <summary>Explainer name, or null when hidden.</summary>
    public string? Method { get; init; }

    /// <summary>Explainer parameters (covers source, background, seed, ...), or null when hidden.</summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    /// <summary>Additivity residual in <see cref="ExplanationUnit"/>, or null when hidden.</summary>
    public double? AdditivityResidual { get; init; }

    /// <summary>Unit of the explanation's own space (<c>log-odds</c>, <c>probability (0 to 1)</c>, ...) and of the additivity residual.</summary>
    public required string ExplanationUnit { get; init; }

    /// <summary>Whether values were rescaled from the margin (log-odds) into probability points by the proportional method
    /// described in <see cref="ScaleMethod"/>; single values then depend on that method.</summary>
    public required bool RescaledFromMargin { get; init; }

    /// <summary>Whether a feature hidden from this audience would have been among the top items shown, under the policy's
    /// selection (for <c>top-by-decision</c>: among the strongest toward the case's outcome, or against it when the policy
    /// shows those too).</summary>
    public required bool HiddenFactorAmongTop { get; init; }

    /// <summary>How many features hidden from this audience would have been among the top items shown (0 when
    /// <see cref="HiddenFactorAmongTop"/> is false), so a view can say how many factors it cannot list, never which.</summary>
    public int HiddenFactorsAmongTop { get; init; }

    /// <summary>The risk band of <see cref="Probability"/> from the model card's output bands, or null when the score is
    /// hidden or the card defines no bands.</summary>
    public string? RiskBand { get; init; }

    /// <summary>Verified counterfactual suggestions for an adverse outcome, or null when the policy does not ask for them or
    /// no search ran (a favourable outcome needs none). Never names a feature hidden from this audience.</summary>
    public Context.CounterfactualView? Counterfactuals { get; init; }

    /// <summary>The most similar reference cases, nearest first, or null when the policy does not ask for them or the model
    /// has no reference set.</summary>
    public IReadOnlyList<Context.SimilarCase>? SimilarCases { get; init; }

    /// <summary>When the policy asks for similar cases but none could be looked up, why (no reference set, or a sampled
    /// method); null otherwise.</summary>
    public string? SimilarCasesUnavailable { get; init; }

    /// <summary>What this view leaves out, with feature names hidden from this audience withheld.</summary>
    public required OmissionRecord Omissions { get; init; }

    /// <summary>Governance alerts raised while projecting (for example a <c>protected</c> feature above the policy's
    /// <c>governanceThreshold</c>); empty when none. Feature names hidden from this audience are withheld.</summary>
    public IReadOnlyList<GovernanceAlert> Alerts { get; init; } = [];

    /// <summary>A waterfall from base value to model output through the shown values, or null unless the policy asks for
    /// it (<see cref="Policies.ContextBlocks.Waterfall"/>) and the view shows amounts, base value and output.</summary>
    public Waterfall? Waterfall { get; init; }

    /// <summary>The model's global importance over its reference data in <see cref="Unit"/>, or null unless the policy asks
    /// for it (<see cref="Policies.ContextBlocks.GlobalImportance"/>) and the model has reference data.</summary>
    public GlobalImportance? GlobalImportance { get; init; }
}
