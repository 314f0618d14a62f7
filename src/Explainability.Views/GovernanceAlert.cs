namespace Explainability.Views;

/// <summary>
/// Something a reviewer of the model must look at, raised while projecting a view (for example a <c>protected</c> feature
/// carrying more than the policy's share of the attribution). Part of <see cref="AudienceView.Alerts"/>, so the ledger keeps
/// it with the view. Created by projection steps only; features hidden from the view's audience are withheld (counted in
/// <see cref="WithheldFeatureCount"/>), never named. Immutable.
/// </summary>
public sealed record GovernanceAlert
{
    /// <summary>What kind of alert, kebab-case: <c>protected-feature-share</c>, ...</summary>
    public required string Kind { get; init; }

    /// <summary>Raw names of the features concerned that this audience may see.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Display names of <see cref="Features"/> in the view's language, same order.</summary>
    public IReadOnlyList<string> FeatureLabels { get; init; } = [];

    /// <summary>Number of features concerned that cannot be named to this audience.</summary>
    public int WithheldFeatureCount { get; init; }

    /// <summary>The measured quantity (for <c>protected-feature-share</c>: the features' share of the total |phi|, 0..1), or null.</summary>
    public double? Share { get; init; }

    /// <summary>The policy threshold the measure exceeded (0..1), or null.</summary>
    public double? Threshold { get; init; }

    /// <summary>The policy rule that raised it, e.g. <c>governanceThreshold = 0.05</c>.</summary>
    public required string Rule { get; init; }

    /// <summary>One sentence for people, naming only features this audience may see.</summary>
    public required string Message { get; init; }
}
