using Explainability.Core.Drift;
using Explainability.Core.Summaries;
using Explainability.Views.ModelCards;
using Explainability.Views.Policies;

namespace Explainability.Views.Reports;

/// <summary>What a report is built from: a global summary of the current rows, the model it is of, the audience's policy,
/// and optionally a drift comparison against baseline rows. Immutable.</summary>
public sealed record ReportInput
{
    /// <summary>The audience (<c>data-scientist</c> or <c>business-manager</c>).</summary>
    public required string Audience { get; init; }

    /// <summary>The audience's policy for this model (defaults with the card's overrides): <c>topK</c> and <c>hiddenTags</c> apply.</summary>
    public required AudiencePolicy Policy { get; init; }

    /// <summary>Model id.</summary>
    public required string ModelId { get; init; }

    /// <summary>Model version.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>SHA-256 of the ONNX file, hex.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>The model card, or null for a bare model (names stand in for display names).</summary>
    public ModelCard? Card { get; init; }

    /// <summary>The summary of the (current) rows.</summary>
    public required GlobalSummary Summary { get; init; }

    /// <summary>Rows given; more than <see cref="GlobalSummary.RowCount"/> when some were not summarized.</summary>
    public required int RowsGiven { get; init; }

    /// <summary>Bins the summary was computed with.</summary>
    public required int Bins { get; init; }

    /// <summary>Mean base value of the explained output, in the summary's space.</summary>
    public required double BaseValue { get; init; }

    /// <summary>The explanation parameters.</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>The cohort column, or null.</summary>
    public string? CohortColumn { get; init; }

    /// <summary>The cohorts; empty without a cohort column.</summary>
    public IReadOnlyList<CohortSummary> Cohorts { get; init; } = [];

    /// <summary>Drift of every feature against the baseline (<see cref="AttributionDrift.Compare"/>), or null for no drift section.</summary>
    public IReadOnlyList<FeatureDrift>? Drift { get; init; }

    /// <summary>The thresholds <see cref="Drift"/> was flagged against.</summary>
    public DriftThresholds? DriftThresholds { get; init; }

    /// <summary>Rows of the baseline dataset.</summary>
    public int BaselineRows { get; init; }
}
