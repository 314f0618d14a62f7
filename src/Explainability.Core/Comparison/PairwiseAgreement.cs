namespace Explainability.Core.Comparison;

/// <summary>
/// How far two techniques agree on the ranking of features, per explained row and output, averaged over them.
/// </summary>
/// <remarks>
/// For each row r and output o the features are ranked by <c>|phi[r, f, o]|</c>.
/// Spearman: the Pearson correlation of the two rankings with ties given their average rank
/// (<c>MathNet.Numerics.Statistics.Correlation.Spearman</c>); +1 same order, -1 reversed. A ranking in which every
/// feature ties (for example all phi zero, or one feature) has no Spearman correlation; such (row, output) pairs are left
/// out of the mean and counted in <see cref="SpearmanUndefinedCount"/>.
/// Top-k overlap: <c>|top-k(a) ∩ top-k(b)| / k</c> with <c>k = min(requested k, F)</c>; features tied in |phi| are taken in
/// feature order, so the sets are deterministic.
/// </remarks>
public sealed record PairwiseAgreement
{
    /// <summary>First technique's name (earlier in the input order).</summary>
    public required string A { get; init; }

    /// <summary>Second technique's name.</summary>
    public required string B { get; init; }

    /// <summary>Mean Spearman rank correlation of |phi| over the (row, output) pairs where it is defined; null when it is
    /// defined for none.</summary>
    public double? MeanSpearman { get; init; }

    /// <summary>Smallest Spearman rank correlation over the (row, output) pairs where it is defined; null when none.</summary>
    public double? MinSpearman { get; init; }

    /// <summary>(row, output) pairs left out of the Spearman mean because one ranking is all ties.</summary>
    public required int SpearmanUndefinedCount { get; init; }

    /// <summary>Mean top-k overlap over all <c>R * O</c> (row, output) pairs, 0..1.</summary>
    public required double MeanTopKOverlap { get; init; }

    /// <summary>Smallest top-k overlap over all (row, output) pairs, 0..1.</summary>
    public required double MinTopKOverlap { get; init; }
}
