namespace Explainability.Core.Drift;

/// <summary>When a feature's attribution drift is flagged.</summary>
/// <param name="Psi">Population stability index at or above which the SHAP distribution is flagged; 0.2 by default, the
/// customary "significant shift" level of credit-scoring practice (Siddiqi, "Credit Risk Scorecards", 2006).</param>
/// <param name="RelativeMeanAbsChange">Relative change of mean |SHAP| at or above which importance is flagged; 0.2 by default.</param>
/// <param name="MinimumMeanAbsShare">A feature whose mean |SHAP| is below this share of the largest feature's (in both
/// datasets) is never flagged: relative changes of negligible features are noise. 0.01 by default.</param>
public sealed record DriftThresholds(double Psi = 0.2, double RelativeMeanAbsChange = 0.2, double MinimumMeanAbsShare = 0.01);
