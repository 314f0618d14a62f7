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
