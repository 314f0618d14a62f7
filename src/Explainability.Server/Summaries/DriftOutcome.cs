using Explainability.Core.Drift;

namespace Explainability.Server.Summaries;

/// <summary>Attribution drift between two datasets with the summaries it was computed from. Immutable.</summary>
/// <param name="Baseline">The summary of the baseline rows (for example last month).</param>
/// <param name="Current">The summary of the current rows, explained with the same model, method and output space.</param>
/// <param name="Thresholds">The thresholds the features were flagged against.</param>
/// <param name="Features">Per feature, in the explanation's feature order, how its attributions changed
/// (<see cref="AttributionDrift.Compare"/>), in the summaries' output space.</param>
public sealed record DriftOutcome(SummaryOutcome Baseline, SummaryOutcome Current, DriftThresholds Thresholds, IReadOnlyList<FeatureDrift> Features);
