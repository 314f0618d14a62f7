using Explainability.Core.Explanations;

namespace Explainability.Core.Shap;

/// <summary>
/// What a model-agnostic explainer cannot know from an <see cref="Models.IBatchModel"/> alone: the names of its players
/// and outputs, the space its outputs are in and its link, as recorded in the <see cref="Explanation"/>.
/// </summary>
/// <param name="FeatureNames">Raw feature names, <c>[F]</c>: player f is feature f. F may be below the player count: the
/// further players (columns that depend on no feature) are dropped from the explanation, and any nonzero value they had
/// shows in the additivity residual.</param>
/// <param name="OutputNames">Output names, <c>[outputs]</c>, as many as the model has outputs.</param>
/// <param name="OutputSpace">The space the model's outputs are in (margin or probability); the explanation is in it.</param>
/// <param name="Link">The model's link from margin to served output (recorded, not applied).</param>
public sealed record ExplanationLabels(IReadOnlyList<string> FeatureNames, IReadOnlyList<string> OutputNames, OutputSpace OutputSpace, LinkFunction Link);
