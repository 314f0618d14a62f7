using Explainability.Core.Summaries;
using Explainability.Server.Models;

namespace Explainability.Server.Summaries;

/// <summary>A computed global summary with what produced it. Immutable.</summary>
/// <param name="Model">The model summarized.</param>
/// <param name="Parameters">The explanation parameters of the first chunk (method, covers source, background hash, ...).</param>
/// <param name="Whole">The summary of all rows.</param>
/// <param name="CohortColumn">The column the cohorts split by, or null.</param>
/// <param name="Cohorts">One summary per value of <paramref name="CohortColumn"/>; empty without one.</param>
public sealed record SummaryOutcome(
    LoadedModel Model,
    IReadOnlyDictionary<string, string> Parameters,
    GlobalSummary Whole,
    string? CohortColumn,
    IReadOnlyList<CohortSummary> Cohorts);
