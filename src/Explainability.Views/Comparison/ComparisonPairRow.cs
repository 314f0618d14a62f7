namespace Explainability.Views.Comparison;

/// <summary>One unordered pair of techniques and how far they agree (see <c>Explainability.Core.Comparison.PairwiseAgreement</c>).</summary>
public sealed record ComparisonPairRow
{
    /// <summary>First technique.</summary>
    public required string A { get; init; }

    /// <summary>Second technique.</summary>
    public required string B { get; init; }

    /// <summary>Mean Spearman rank correlation of |phi| over rows, or null when undefined for every row.</summary>
    public double? MeanSpearman { get; init; }

    /// <summary>Smallest per-row Spearman, or null when undefined for every row.</summary>
    public double? MinSpearman { get; init; }

    /// <summary>Rows (and outputs) left out of the Spearman mean because a ranking was all ties.</summary>
    public required int SpearmanUndefinedCount { get; init; }

    /// <summary>Mean top-k overlap, 0..1.</summary>
    public required double MeanOverlap { get; init; }

    /// <summary>Smallest per-row top-k overlap, 0..1.</summary>
    public required double MinOverlap { get; init; }
}
