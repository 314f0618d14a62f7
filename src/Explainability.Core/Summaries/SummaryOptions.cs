namespace Explainability.Core.Summaries;

/// <summary>How to summarize. Immutable.</summary>
/// <param name="Bins">Bins of the beeswarm histograms and the dependence curves (at least 1).</param>
/// <param name="Groups">Feature groups to summarize as well; empty for none.</param>
/// <param name="TopInteractionPairs">How many of the strongest interaction pairs to report.</param>
public sealed record SummaryOptions(int Bins = SummaryOptions.DefaultBins, IReadOnlyList<FeatureGroup>? Groups = null, int TopInteractionPairs = SummaryOptions.DefaultTopInteractionPairs)
{
    /// <summary>Default number of bins.</summary>
    public const int DefaultBins = 10;

    /// <summary>Most bins a summary may ask for.</summary>
    public const int MaxBins = 1000;

    /// <summary>Default number of interaction pairs reported.</summary>
    public const int DefaultTopInteractionPairs = 10;
}
