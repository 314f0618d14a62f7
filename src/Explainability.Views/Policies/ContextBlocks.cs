namespace Explainability.Views.Policies;

/// <summary>Context added to each shown feature, beyond its attribution.</summary>
[Flags]
public enum ContextBlocks
{
    /// <summary>No context.</summary>
    None = 0,

    /// <summary>The case's raw value, with its unit or category label.</summary>
    CaseValues = 1,

    /// <summary>Where the case's value lies in the background data (percentile, or share with the same category).</summary>
    Percentiles = 2,

    /// <summary>The feature's description from the model card.</summary>
    Descriptions = 4,

    /// <summary>For <c>actionable</c> features, the direction of change the card allows.</summary>
    ActionableHints = 8,

    /// <summary>The model's global importance (mean |SHAP| over its reference data, by feature group when the policy groups)
    /// as context for the single case; <see cref="Projection.GlobalImportanceBuilder"/>.</summary>
    GlobalImportance = 16,

    /// <summary>A waterfall from the base value through each shown value to the model output; <see cref="Waterfall"/>.</summary>
    Waterfall = 32,

    /// <summary>Counterfactual suggestions for an adverse outcome: the smallest verified changes of <c>actionable</c>
    /// features (in their allowed direction) that would have changed the decision; computed where the model is.</summary>
    Counterfactuals = 64,

    /// <summary>The most similar reference cases (nearest in SHAP space among the model card's labelled reference set) with
    /// their known outcomes.</summary>
    SimilarCases = 128,
}
