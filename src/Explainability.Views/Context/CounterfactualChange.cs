using Explainability.Core.Data;

namespace Explainability.Views.Context;

/// <summary>One changed feature of a verified counterfactual, in raw values (as in the input). Never reaches a template:
/// the projection turns it into a <see cref="SuggestedChange"/> in the audience's words.</summary>
/// <param name="Feature">The raw feature name.</param>
/// <param name="From">The case's value.</param>
/// <param name="To">The suggested value.</param>
public sealed record CounterfactualChange(string Feature, FeatureValue From, FeatureValue To);
