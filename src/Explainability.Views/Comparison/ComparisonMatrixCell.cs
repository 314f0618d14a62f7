namespace Explainability.Views.Comparison;

/// <summary>Agreement of the row's technique with <see cref="Other"/>; on the diagonal both numbers are null.</summary>
public sealed record ComparisonMatrixCell
{
    /// <summary>The column's technique.</summary>
    public required string Other { get; init; }

    /// <summary>Whether this is the technique against itself.</summary>
    public required bool IsDiagonal { get; init; }

    /// <summary>Mean Spearman rank correlation of |phi| over rows, or null on the diagonal or when undefined for every row.</summary>
    public double? Spearman { get; init; }

    /// <summary>Mean top-k overlap (0..1) over rows, or null on the diagonal.</summary>
    public double? Overlap { get; init; }
}
