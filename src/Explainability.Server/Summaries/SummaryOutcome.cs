using Explainability.Core.Explanations;
using Explainability.Core.Summaries;
using Explainability.Server.Models;

namespace Explainability.Server.Summaries;

/// <summary>A computed global summary with what produced it. Immutable.</summary>
/// <param name="Model">The model summarized.</param>
/// <param name="Parameters">The explanation parameters of the first chunk (method, covers source, background hash, ...).</param>
/// <param name="Whole">The summary of all rows.</param>
/// <param name="CohortColumn">The column the cohorts split by, or null.</param>
/// <param name="Cohorts">One summary per value of <paramref name="CohortColumn"/>; empty without one.</param>
/// <param name="BaseValue">Mean over the rows of the explained output's base value, in the summary's output space (one
/// number for path-dependent TreeSHAP and for a fixed background).</param>
/// <param name="Link">The model's link between margin and probability (the unit of margin amounts: log-odds for logistic).</param>
/// <param name="Data">The SHAP values <c>[R, F]</c> and feature values the summary was computed from (attribution drift
/// compares two of them).</param>
public sealed record SummaryOutcome(
    LoadedModel Model,
    IReadOnlyDictionary<string, string> Parameters,
    GlobalSummary Whole,
    string? CohortColumn,
    IReadOnlyList<CohortSummary> Cohorts,
    double BaseValue,
    LinkFunction Link,
    SummaryData Data);
