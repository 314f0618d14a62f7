namespace Explainability.Core.Summaries;

/// <summary>A pair of features and the mean over rows of |Phi[a, b] + Phi[b, a]| (the pair's whole interaction effect). Immutable.</summary>
/// <param name="FeatureA">A conditioned feature.</param>
/// <param name="FeatureB">The other feature.</param>
/// <param name="MeanAbsInteraction">Mean over rows of |Phi[a, b] + Phi[b, a]| = mean of 2 |Phi[a, b]|.</param>
public sealed record InteractionPair(string FeatureA, string FeatureB, double MeanAbsInteraction);
