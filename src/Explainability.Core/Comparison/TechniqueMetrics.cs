namespace Explainability.Core.Comparison;

/// <summary>
/// What one technique cost and how it behaved, over all compared rows <c>R</c>, features <c>F</c> and outputs <c>O</c>.
/// All attribution-valued numbers are in the explanations' common output space (<see cref="TechniqueComparison.OutputSpace"/>).
/// </summary>
public sealed record TechniqueMetrics
{
    /// <summary>The run's name (<see cref="TechniqueRun.Name"/>).</summary>
    public required string Name { get; init; }

    /// <summary>The explainer (<see cref="Explanations.Explanation.Method"/>).</summary>
    public required string Method { get; init; }

    /// <summary>The explainer's parameters (seed, sample count, background, ...), as recorded in the explanation.</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>Whether this is the exact reference the deltas are measured against.</summary>
    public required bool IsReference { get; init; }

    /// <summary>Wall-clock time for all rows.</summary>
    public required TimeSpan WallTime { get; init; }

    /// <summary>Rows sent to the model; 0 for structural explainers.</summary>
    public required long ModelEvaluations { get; init; }

    /// <summary><c>max over r, o of |AdditivityResiduals[r, o]|</c>; NaN when any residual is NaN.</summary>
    public required double MaxAbsAdditivityResidual { get; init; }

    /// <summary>Mean of <c>StandardErrors[r, f, o]</c> over all <c>R * F * O</c> entries, or null for exact methods (no standard errors).</summary>
    public double? MeanStandardError { get; init; }

    /// <summary>Largest <c>StandardErrors[r, f, o]</c>, or null for exact methods; NaN when any standard error is NaN.</summary>
    public double? MaxStandardError { get; init; }

    /// <summary><c>max over r, f, o of |phi[r, f, o] - phi_ref[r, f, o]|</c> against the reference; null when there is no
    /// reference or this is the reference.</summary>
    public double? MaxAbsDeltaPhi { get; init; }

    /// <summary>Mean of <c>|phi[r, f, o] - phi_ref[r, f, o]|</c> over all <c>R * F * O</c> entries; null when there is no
    /// reference or this is the reference.</summary>
    public double? MeanAbsDeltaPhi { get; init; }

    /// <summary>Global importance: <c>mean over r of |phi[r, f, o]|</c>, <c>[F, O]</c> row-major.</summary>
    public required IReadOnlyList<double> MeanAbsPhi { get; init; }
}
