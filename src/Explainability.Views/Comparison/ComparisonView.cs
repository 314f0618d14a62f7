namespace Explainability.Views.Comparison;

/// <summary>
/// Exactly what the data-scientist comparison template may see: the metrics of a technique comparison as plain numbers
/// and strings, the pairwise agreement matrix, and a chart whose geometry is computed here so the template only
/// iterates. No reference to the explanations themselves. Immutable; built by <see cref="ComparisonViewBuilder"/>.
/// </summary>
public sealed record ComparisonView
{
    /// <summary>The audience: always <see cref="Audiences.DataScientist"/>.</summary>
    public required string Audience { get; init; }

    /// <summary>Language code of the template.</summary>
    public required string Language { get; init; }

    /// <summary>Model id, or empty when not given.</summary>
    public required string ModelId { get; init; }

    /// <summary>Model version, or empty when not given.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Number of compared rows, <c>R</c>.</summary>
    public required int RowCount { get; init; }

    /// <summary>Number of features, <c>F</c>.</summary>
    public required int FeatureCount { get; init; }

    /// <summary>Explained outputs, <c>[O]</c>.</summary>
    public required IReadOnlyList<string> OutputNames { get; init; }

    /// <summary><c>margin</c> or <c>probability</c>: the space every attribution-valued number is in.</summary>
    public required string Scale { get; init; }

    /// <summary>Unit of attribution-valued numbers (<c>log-odds</c>, <c>probability (0 to 1)</c>, ...).</summary>
    public required string Unit { get; init; }

    /// <summary>Name of the exact reference the deltas are measured against, or null when there is none.</summary>
    public string? Reference { get; init; }

    /// <summary>The <c>k</c> of the top-k overlap.</summary>
    public required int TopK { get; init; }

    /// <summary>Why <see cref="TopK"/> is smaller than the <c>k</c> asked for (<c>k = 5 &gt;= 5 features: ...</c>), or null when it is not.</summary>
    public string? OverlapNote { get; init; }

    /// <summary>One row per technique, in input order.</summary>
    public required IReadOnlyList<ComparisonTechniqueRow> Techniques { get; init; }

    /// <summary>Technique names in input order: the header of <see cref="Matrix"/>.</summary>
    public required IReadOnlyList<string> TechniqueNames { get; init; }

    /// <summary>The square pairwise matrix, one row per technique, one cell per technique in <see cref="TechniqueNames"/> order.</summary>
    public required IReadOnlyList<ComparisonMatrixRow> Matrix { get; init; }

    /// <summary>Every unordered pair once, in input order.</summary>
    public required IReadOnlyList<ComparisonPairRow> Pairs { get; init; }

    /// <summary>Grouped horizontal bars of mean |phi| per feature per technique.</summary>
    public required ComparisonChart Chart { get; init; }
}
