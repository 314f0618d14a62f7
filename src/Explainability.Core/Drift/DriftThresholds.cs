namespace Explainability.Core.Drift;

/// <summary>When a feature's attribution drift is flagged.</summary>
/// <param name="Psi">Population stability index at or above which the SHAP distribution is flagged; 0.2 by default, the
/// customary "significant shift" level of credit-scoring practice (Siddiqi, "Credit Risk Scorecards", 2006).</param>
/// <param name="RelativeMeanAbsChange">Relative change of mean |SHAP| at or above which importance is flagged; 0.2 by default.</param>
/// <param name="MinimumMeanAbsShare">A feature whose mean |SHAP| is below this share of the largest feature's (in both
/// datasets) is never flagged: relative changes of negligible features are noise. 0.01 by default.</param>
public sealed record DriftThresholds(double Psi = 0.2, double RelativeMeanAbsChange = 0.2, double MinimumMeanAbsShare = 0.01)
{
    /// <summary>The largest <see cref="Psi"/> threshold taken: with empty bins counted as a share of 1e-4, a PSI cannot
    /// reach much beyond 20, so a threshold above 100 could never flag and is a typing slip.</summary>
    public const double MaxPsi = 100;

    /// <summary>The largest <see cref="RelativeMeanAbsChange"/> threshold taken: 100 (10,000%, a hundredfold change).</summary>
    public const double MaxRelativeMeanAbsChange = 100;
}
