namespace Explainability.Core.Shap;

/// <summary>
/// SHAP interaction values of a batch of rows in margin space (<see cref="TreeShapInteractions"/>): for each row, each
/// conditioned feature <c>j</c> (a row of the interaction matrix) and each feature <c>i</c>, <c>Phi[j, i]</c>; off the
/// diagonal half of the pair's interaction (the matrix is symmetric, so the pair's total is <c>Phi[j, i] + Phi[i, j]</c>),
/// on the diagonal the main effect. Each matrix row sums to the row's SHAP value of feature <c>j</c>. Immutable.
/// </summary>
/// <remarks>Source: Lundberg et al., "From local explanations to global understanding with explainable AI for trees",
/// Nature Machine Intelligence 2 (2020), Methods, "SHAP interaction values" (the Shapley interaction index, Fujimoto,
/// Kojadinovic, Marichal 2006).</remarks>
public sealed record ShapInteractionValues
{
    /// <summary>Raw feature names, <c>[F]</c>.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Output names, <c>[O]</c>.</summary>
    public required IReadOnlyList<string> OutputNames { get; init; }

    /// <summary>Number of rows, <c>R</c>.</summary>
    public required int RowCount { get; init; }

    /// <summary>The conditioned features (matrix rows), indices into <see cref="FeatureNames"/>, <c>[K]</c>.</summary>
    public required IReadOnlyList<int> Conditioned { get; init; }

    /// <summary>Interaction values, <c>[R, K, F, O]</c>, margin space.</summary>
    public required double[] Values { get; init; }

    /// <summary>Row <paramref name="r"/>'s <c>Phi[Conditioned[k], i]</c> for output <paramref name="o"/>.</summary>
    public double Value(int r, int k, int i, int o) =>
        Values[(((((r * Conditioned.Count) + k) * FeatureNames.Count) + i) * OutputNames.Count) + o];
}
