namespace Explainability.Views.Comparison;

/// <summary>One row of the pairwise matrix: technique <see cref="Name"/> against every technique.</summary>
public sealed record ComparisonMatrixRow
{
    /// <summary>The row's technique.</summary>
    public required string Name { get; init; }

    /// <summary>One cell per technique, in <see cref="ComparisonView.TechniqueNames"/> order.</summary>
    public required IReadOnlyList<ComparisonMatrixCell> Cells { get; init; }
}
