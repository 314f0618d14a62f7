namespace Explainability.Core.Counterfactuals;

/// <summary>
/// One value a feature may be changed to, with the cost of that change. The caller draws candidates from the allowed
/// direction only (an <c>actionable</c> feature's <c>increase</c>, <c>decrease</c> or <c>any</c>), so the search never
/// proposes a change the model card does not allow.
/// </summary>
/// <param name="Feature">Index of the feature in the model's input row, <c>[0, inputs)</c>.</param>
/// <param name="Value">The new value, encoded as the model takes it (a number, or a category code).</param>
/// <param name="Cost">How large the change is, 0 or more, in one unit shared by all features (for example the share of
/// background rows between the case's value and the new one); a pair costs the sum of its two changes.</param>
public sealed record CounterfactualCandidate(int Feature, double Value, double Cost);
