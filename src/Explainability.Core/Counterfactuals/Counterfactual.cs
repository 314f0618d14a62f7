namespace Explainability.Core.Counterfactuals;

/// <summary>
/// A change of one or two features that moves the model's decision to the other side of the threshold.
/// </summary>
/// <param name="Changes">The changed features, one or two, in increasing feature index.</param>
/// <param name="Cost">Sum of the changes' costs.</param>
/// <param name="Score">The model output of the changed row as the search evaluated it (the searched output, in the model's
/// output space); callers that show suggestions re-score them independently before trusting this.</param>
public sealed record Counterfactual(IReadOnlyList<CounterfactualCandidate> Changes, double Cost, double Score);
