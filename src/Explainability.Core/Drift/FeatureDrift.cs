namespace Explainability.Core.Drift;

/// <summary>How one feature's attributions changed between a baseline and a current dataset, in the explanation's unit
/// (margin or probability, as the explanations were computed).</summary>
/// <param name="Feature">The raw feature's name.</param>
/// <param name="BaselineMeanAbs">Mean |SHAP| over the baseline rows.</param>
/// <param name="CurrentMeanAbs">Mean |SHAP| over the current rows.</param>
/// <param name="MeanAbsChange">Current minus baseline mean |SHAP|.</param>
/// <param name="RelativeChange">The change as a share of the baseline mean |SHAP| (infinity when the baseline's is 0 and
/// the current's is not, 0 when both are).</param>
/// <param name="Psi">Population stability index of the SHAP values, on bins at the baseline's deciles (a point mass of the
/// baseline a bin of its own; <see cref="AttributionDrift"/>).</param>
/// <param name="Wasserstein">First Wasserstein (earth mover's) distance between the two empirical distributions of
/// SHAP values, in the explanation's unit.</param>
/// <param name="Flags">The thresholds crossed (<c>psi</c>, <c>mean_abs_change</c>); empty when none.</param>
public sealed record FeatureDrift(
    string Feature, double BaselineMeanAbs, double CurrentMeanAbs, double MeanAbsChange, double RelativeChange, double Psi, double Wasserstein,
    IReadOnlyList<string> Flags)
{
    /// <summary>Whether any threshold was crossed.</summary>
    public bool Flagged => Flags.Count > 0;
}
