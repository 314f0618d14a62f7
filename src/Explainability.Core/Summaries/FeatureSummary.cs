namespace Explainability.Core.Summaries;

/// <summary>One feature of a <see cref="GlobalSummary"/>. Immutable.</summary>
public sealed record FeatureSummary
{
    /// <summary>Raw feature name.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the feature's values are categories (text) rather than numbers.</summary>
    public required bool Categorical { get; init; }

    /// <summary>Mean over rows of |SHAP| (Lundberg et al. 2020, global importance); 0 over no rows.</summary>
    public required double MeanAbsShap { get; init; }

    /// <summary>Standard error of <see cref="MeanAbsShap"/> as an estimate from the rows: the sample standard deviation of
    /// |SHAP| divided by the square root of the row count, in the SHAP values' unit; null over fewer than 2 rows.</summary>
    public required double? MeanAbsShapStandardError { get; init; }

    /// <summary>Mean over rows of SHAP; 0 over no rows.</summary>
    public required double MeanShap { get; init; }

    /// <summary>Beeswarm data: the SHAP values in equal-width bins from their minimum to their maximum, each with the
    /// mean normalized feature value of its rows (the colour).</summary>
    public required IReadOnlyList<BeeswarmBin> Beeswarm { get; init; }

    /// <summary>Dependence: feature value bins (quantile bins for numbers, one per category, one for missing values) with
    /// the mean and spread of SHAP.</summary>
    public required IReadOnlyList<DependenceBin> Dependence { get; init; }
}
