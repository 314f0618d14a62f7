namespace Explainability.Views.Comparison;

/// <summary>One technique's line of the comparison table. Attribution-valued numbers are in <see cref="ComparisonView.Unit"/>.</summary>
public sealed record ComparisonTechniqueRow
{
    /// <summary>Technique name, unique within the comparison.</summary>
    public required string Name { get; init; }

    /// <summary>Explainer method.</summary>
    public required string Method { get; init; }

    /// <summary>Whether this is the exact reference.</summary>
    public required bool IsReference { get; init; }

    /// <summary>Wall-clock time for all rows, milliseconds.</summary>
    public required double WallTimeMs { get; init; }

    /// <summary>Wall-clock time per row, milliseconds.</summary>
    public required double TimePerRowMs { get; init; }

    /// <summary>Rows sent to the model; 0 for structural explainers.</summary>
    public required long ModelEvaluations { get; init; }

    /// <summary>Largest |additivity residual| over rows and outputs.</summary>
    public required double MaxAbsAdditivityResidual { get; init; }

    /// <summary>Mean standard error, or null for exact methods.</summary>
    public double? MeanStandardError { get; init; }

    /// <summary>Largest standard error, or null for exact methods.</summary>
    public double? MaxStandardError { get; init; }

    /// <summary>Largest |phi - phi_ref|, or null without a reference or for the reference itself.</summary>
    public double? MaxAbsDeltaPhi { get; init; }

    /// <summary>Mean |phi - phi_ref|, or null without a reference or for the reference itself.</summary>
    public double? MeanAbsDeltaPhi { get; init; }

    /// <summary>The explainer's parameters.</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>The technique's colour in the chart (<c>#RRGGBB</c>).</summary>
    public required string Color { get; init; }
}
