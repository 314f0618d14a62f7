namespace Explainability.Views;

/// <summary>
/// The portfolio picture a view adds as context (<see cref="Policies.ContextBlocks.GlobalImportance"/>): mean |SHAP| per
/// feature group (or per feature when the policy does not group) over the model's reference data, in the view's unit.
/// Features hidden from the audience are left out of every item. Immutable.
/// </summary>
public sealed record GlobalImportance
{
    /// <summary>Unit of <see cref="GlobalImportanceItem.Value"/>: the view's <see cref="AudienceView.Unit"/>.</summary>
    public required string Unit { get; init; }

    /// <summary>How the numbers were made, in words: rows, explainer, rescaling.</summary>
    public required string Method { get; init; }

    /// <summary>Number of reference rows averaged over.</summary>
    public required int RowCount { get; init; }

    /// <summary>Number of features hidden from this audience and left out of the picture.</summary>
    public required int WithheldFeatureCount { get; init; }

    /// <summary>Groups (or features), largest mean |SHAP| first.</summary>
    public required IReadOnlyList<GlobalImportanceItem> Items { get; init; }
}

/// <summary>One bar of <see cref="GlobalImportance"/>. Immutable.</summary>
public sealed record GlobalImportanceItem
{
    /// <summary><c>group:</c> + group name, or the feature name for a feature alone in its group (as in the case view) or when not grouped.</summary>
    public required string Key { get; init; }

    /// <summary>The group name, or the feature's display name in the view's language.</summary>
    public required string Label { get; init; }

    /// <summary>Raw names of the features summed into this item.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Display names of <see cref="Features"/>.</summary>
    public required IReadOnlyList<string> FeatureLabels { get; init; }

    /// <summary>Mean over reference rows of |sum of the features' SHAP values|, in <see cref="GlobalImportance.Unit"/>.</summary>
    public required double Value { get; init; }

    /// <summary><see cref="Value"/> divided by the largest item's value (0..1): the bar length.</summary>
    public required double Fraction { get; init; }

    /// <summary>The bar in block characters, <see cref="Rendering.TextBar.DefaultWidth"/> characters at <see cref="Fraction"/> 1.</summary>
    public required string Bar { get; init; }
}
