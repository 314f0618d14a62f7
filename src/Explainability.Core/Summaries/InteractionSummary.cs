namespace Explainability.Core.Summaries;

/// <summary>SHAP interaction strengths of a <see cref="GlobalSummary"/>. Immutable.</summary>
/// <param name="Conditioned">The features whose interactions were computed (the top features by mean |SHAP|).</param>
/// <param name="MainEffects">Per conditioned feature, mean over rows of |Phi[j, j]|, in the order of <paramref name="Conditioned"/>.</param>
/// <param name="Pairs">The strongest pairs, strongest first.</param>
public sealed record InteractionSummary(IReadOnlyList<string> Conditioned, IReadOnlyList<double> MainEffects, IReadOnlyList<InteractionPair> Pairs);
