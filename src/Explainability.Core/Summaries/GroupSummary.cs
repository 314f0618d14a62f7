namespace Explainability.Core.Summaries;

/// <summary>One feature group of a <see cref="GlobalSummary"/>: its members' SHAP values summed per row. Immutable.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Features">Member features.</param>
/// <param name="MeanAbsShap">Mean over rows of |sum of the members' SHAP values| (as the business-manager view's global importance).</param>
/// <param name="MeanShap">Mean over rows of the members' summed SHAP values.</param>
/// <param name="Beeswarm">Histogram of the summed SHAP values (no colour: a group has no single feature value).</param>
public sealed record GroupSummary(string Name, IReadOnlyList<string> Features, double MeanAbsShap, double MeanShap, IReadOnlyList<BeeswarmBin> Beeswarm);
