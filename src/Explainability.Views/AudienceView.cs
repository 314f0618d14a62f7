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

    /// <summary>What the explained outcome means for the person ("the application is declined").</summary>
    public required string PositiveOutcome { get; init; }

    /// <summary><c>margin</c> or <c>probability</c>.</summary>
    public required string Scale { get; init; }

    /// <summary>Unit of attribution values: <c>log-odds</c>, <c>percentage points</c>, ...</summary>
    public required string Unit { get; init; }

    /// <summary>Unit of base value and model output: <c>log-odds</c>, <c>%</c>, ...</summary>
    public required string ScoreUnit { get; init; }

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

    /// <summary>Shown items, strongest first (by |value|; for direction selections, raising then lowering).</summary>
    public required IReadOnlyList<ViewItem> Items { get; init; }

    /// <summary>The shown items with direction <c>raises</c>.</summary>
    public IReadOnlyList<ViewItem> Raising => [.. Items.Where(i => i.Direction == "raises")];

    /// <summary>The shown items with direction <c>lowers</c>.</summary>
    public IReadOnlyList<ViewItem> Lowering => [.. Items.Where(i => i.Direction == "lowers")];

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

    /// <summary>Whether a feature hidden from this audience would have been among the top items shown.</summary>
    public required bool HiddenFactorAmongTop { get; init; }

    /// <summary>What this view leaves out, with feature names hidden from this audience withheld.</summary>
    public required OmissionRecord Omissions { get; init; }
}
