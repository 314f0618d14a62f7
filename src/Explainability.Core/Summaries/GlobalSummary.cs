using Explainability.Core.Explanations;

namespace Explainability.Core.Summaries;

/// <summary>
/// A global summary of one output's SHAP values over a set of rows (<see cref="GlobalSummarizer"/>): per feature and
/// per feature group the mean |SHAP| and mean SHAP, beeswarm and dependence data in bins, and the strongest SHAP
/// interactions. All amounts are in <see cref="OutputSpace"/> (log-odds for a logistic classifier in margin space). Immutable.
/// </summary>
public sealed record GlobalSummary
{
    /// <summary>The summarized output.</summary>
    public required string OutputName { get; init; }

    /// <summary>The space of every amount.</summary>
    public required OutputSpace OutputSpace { get; init; }

    /// <summary>The explainer of the SHAP values.</summary>
    public required string Method { get; init; }

    /// <summary>Rows summarized.</summary>
    public required int RowCount { get; init; }

    /// <summary>Features in the explanation's order.</summary>
    public required IReadOnlyList<FeatureSummary> Features { get; init; }

    /// <summary>Feature groups in the order given.</summary>
    public required IReadOnlyList<GroupSummary> Groups { get; init; }

    /// <summary>Interaction strengths, or null when no interaction values were computed.</summary>
    public InteractionSummary? Interactions { get; init; }
}

/// <summary>One feature of a <see cref="GlobalSummary"/>. Immutable.</summary>
public sealed record FeatureSummary
{
    /// <summary>Raw feature name.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the feature's values are categories (text) rather than numbers.</summary>
    public required bool Categorical { get; init; }

    /// <summary>Mean over rows of |SHAP| (Lundberg et al. 2020, global importance); 0 over no rows.</summary>
    public required double MeanAbsShap { get; init; }

    /// <summary>Mean over rows of SHAP; 0 over no rows.</summary>
    public required double MeanShap { get; init; }

    /// <summary>Beeswarm data: the SHAP values in equal-width bins from their minimum to their maximum, each with the
    /// mean normalized feature value of its rows (the colour).</summary>
    public required IReadOnlyList<BeeswarmBin> Beeswarm { get; init; }

    /// <summary>Dependence: feature value bins (quantile bins for numbers, one per category, one for missing values) with
    /// the mean and spread of SHAP.</summary>
    public required IReadOnlyList<DependenceBin> Dependence { get; init; }
}

/// <summary>One histogram bin of a feature's SHAP values. Immutable.</summary>
/// <param name="Lower">Lowest SHAP value of the bin (inclusive).</param>
/// <param name="Upper">Upper bound (exclusive; the last bin inclusive).</param>
/// <param name="Count">Rows whose SHAP value falls in the bin.</param>
/// <param name="MeanNormalizedValue">Mean over the bin's rows with a numeric value of <c>(x - min) / (max - min)</c> over
/// all summarized rows (0..1; 0.5 when all values are equal), or null for a categorical feature or a bin without a numeric value.</param>
public sealed record BeeswarmBin(double Lower, double Upper, int Count, double? MeanNormalizedValue);

/// <summary>One feature-value bin of a dependence curve. Immutable.</summary>
/// <param name="Label">The category, <c>missing</c>, or the value range <c>[lower, upper]</c>.</param>
/// <param name="Lower">Lowest feature value of the bin (numbers; inclusive), null for a category or missing.</param>
/// <param name="Upper">Upper bound (exclusive, the last bin inclusive), null for a category or missing.</param>
/// <param name="Count">Rows in the bin.</param>
/// <param name="MeanShap">Mean SHAP of the bin's rows.</param>
/// <param name="StandardDeviationShap">Population standard deviation of the bin's SHAP values (0 for one row).</param>
public sealed record DependenceBin(string Label, double? Lower, double? Upper, int Count, double MeanShap, double StandardDeviationShap);

/// <summary>One feature group of a <see cref="GlobalSummary"/>: its members' SHAP values summed per row. Immutable.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Features">Member features.</param>
/// <param name="MeanAbsShap">Mean over rows of |sum of the members' SHAP values| (as the business-manager view's global importance).</param>
/// <param name="MeanShap">Mean over rows of the members' summed SHAP values.</param>
/// <param name="Beeswarm">Histogram of the summed SHAP values (no colour: a group has no single feature value).</param>
public sealed record GroupSummary(string Name, IReadOnlyList<string> Features, double MeanAbsShap, double MeanShap, IReadOnlyList<BeeswarmBin> Beeswarm);

/// <summary>SHAP interaction strengths of a <see cref="GlobalSummary"/>. Immutable.</summary>
/// <param name="Conditioned">The features whose interactions were computed (the top features by mean |SHAP|).</param>
/// <param name="MainEffects">Per conditioned feature, mean over rows of |Phi[j, j]|, in the order of <paramref name="Conditioned"/>.</param>
/// <param name="Pairs">The strongest pairs, strongest first.</param>
public sealed record InteractionSummary(IReadOnlyList<string> Conditioned, IReadOnlyList<double> MainEffects, IReadOnlyList<InteractionPair> Pairs);

/// <summary>A pair of features and the mean over rows of |Phi[a, b] + Phi[b, a]| (the pair's whole interaction effect). Immutable.</summary>
/// <param name="FeatureA">A conditioned feature.</param>
/// <param name="FeatureB">The other feature.</param>
/// <param name="MeanAbsInteraction">Mean over rows of |Phi[a, b] + Phi[b, a]| = mean of 2 |Phi[a, b]|.</param>
public sealed record InteractionPair(string FeatureA, string FeatureB, double MeanAbsInteraction);

/// <summary>The summary of the rows whose cohort column has one value. Immutable.</summary>
/// <param name="Value">The cohort column's value (empty for missing).</param>
/// <param name="Summary">The summary of the cohort's rows.</param>
/// <param name="MeanAbsShapDifference">Per feature, the cohort's mean |SHAP| minus the whole dataset's, <c>[F]</c>.</param>
public sealed record CohortSummary(string Value, GlobalSummary Summary, IReadOnlyList<double> MeanAbsShapDifference);
