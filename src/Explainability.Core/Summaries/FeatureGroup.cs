namespace Explainability.Core.Summaries;

/// <summary>A named set of raw features summarized together (a model card's feature group). Immutable.</summary>
/// <param name="Name">Group name, e.g. <c>Finances</c>.</param>
/// <param name="Features">Raw feature names of its members.</param>
public sealed record FeatureGroup(string Name, IReadOnlyList<string> Features);
