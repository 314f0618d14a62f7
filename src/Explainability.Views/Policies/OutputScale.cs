namespace Explainability.Views.Policies;

/// <summary>The scale an audience sees attributions in.</summary>
public enum OutputScale
{
    /// <summary>The explanation's own space (log-odds for logistic classifiers), where exact SHAP is additive.</summary>
    Margin,

    /// <summary>Probability points, rescaled from the margin by <see cref="Projection.RescaleToProbability"/>.</summary>
    Probability,
}
