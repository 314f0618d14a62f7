using Explainability.Core.Summaries;
using Explainability.Server.Explaining;

namespace Explainability.Server.Summaries;

/// <summary>What a summary computes. Immutable.</summary>
/// <param name="Explain">How each chunk of rows is explained (method, output space, parallelism, ...).</param>
/// <param name="Bins">Bins of the beeswarm histograms and dependence curves (1..<see cref="SummaryOptions.MaxBins"/>).</param>
/// <param name="Interactions">How many top features (by mean |SHAP|) get SHAP interaction values; 0 for none. Needs
/// <c>tree_path_dependent</c>.</param>
/// <param name="CohortColumn">An input column whose values split the rows into cohorts, or null for none.</param>
/// <param name="ChunkRows">Rows explained per chunk.</param>
public sealed record SummarizeOptions(
    ExplainOptions Explain,
    int Bins = SummaryOptions.DefaultBins,
    int Interactions = 0,
    string? CohortColumn = null,
    int ChunkRows = SummarizeOptions.DefaultChunkRows)
{
    /// <summary>Default rows per chunk.</summary>
    public const int DefaultChunkRows = 4096;
}
