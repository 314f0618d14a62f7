namespace Explainability.Views.Policies;

/// <summary>The default policy per audience. Kept in code until policies move into a file with per-model overrides.</summary>
public static class AudiencePolicies
{
    /// <summary>Everything, in margin space, unrounded, with method and parameters: nothing is omitted.</summary>
    public static AudiencePolicy DataScientist { get; } = new()
    {
        Audience = Audiences.DataScientist,
        Selection = Selection.All,
        Scale = OutputScale.Margin,
        Context = ContextBlocks.CaseValues | ContextBlocks.Percentiles,
        ShowTechnicalDetails = true,
        ShowUncertainty = true,
        ShowOffset = true,
    };

    /// <summary>Top five feature groups in probability points, one decimal.</summary>
    public static AudiencePolicy BusinessManager { get; } = new()
    {
        Audience = Audiences.BusinessManager,
        Selection = Selection.TopByMagnitude,
        TopK = 5,
        GroupByFeatureGroup = true,
        Scale = OutputScale.Probability,
        Decimals = 1,
    };

    /// <summary>Score and band, five strongest risk-raising signals and the strongest risk-lowering one, with values and
    /// percentiles, and the most similar reference cases.</summary>
    public static AudiencePolicy FraudAnalyst { get; } = new()
    {
        Audience = Audiences.FraudAnalyst,
        Selection = Selection.TopByDirection,
        TopK = 5,
        TopLowering = 1,
        Scale = OutputScale.Probability,
        Decimals = 1,
        ShowBaseValue = false,
        Context = ContextBlocks.CaseValues | ContextBlocks.Percentiles | ContextBlocks.SimilarCases,
    };

    /// <summary>Four strongest reasons for the case's outcome (toward the adverse outcome when the score is at or above the
    /// decision threshold, toward the favourable one below it), without protected or internal features, without numbers;
    /// with verified counterfactual suggestions for an adverse outcome.</summary>
    public static AudiencePolicy Customer { get; } = new()
    {
        Audience = Audiences.Customer,
        Selection = Selection.TopByDecision,
        TopK = 4,
        TopLowering = 0,
        HiddenTags = ["protected", "internal"],
        Scale = OutputScale.Margin,
        ShowScore = false,
        ShowBaseValue = false,
        ShowValues = false,
        Context = ContextBlocks.Descriptions | ContextBlocks.ActionableHints | ContextBlocks.Counterfactuals,
    };

    /// <summary>Audience name -> default policy.</summary>
    public static IReadOnlyDictionary<string, AudiencePolicy> Defaults { get; } = new Dictionary<string, AudiencePolicy>(StringComparer.Ordinal)
    {
        [Audiences.DataScientist] = DataScientist,
        [Audiences.BusinessManager] = BusinessManager,
        [Audiences.FraudAnalyst] = FraudAnalyst,
        [Audiences.Customer] = Customer,
    };

    /// <summary>The default policy of <paramref name="audience"/>.</summary>
    /// <exception cref="ArgumentException">The audience is unknown; the message lists the allowed values.</exception>
    public static AudiencePolicy For(string audience) => Defaults[Audiences.Require(audience, nameof(audience))];
}
