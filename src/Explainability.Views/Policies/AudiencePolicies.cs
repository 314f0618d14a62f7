using Explainability.Views.Rendering;

namespace Explainability.Views.Policies;

/// <summary>
/// The default policy per audience, read once from <c>policies.json</c> in the templates folder beside the binaries
/// (<see cref="PolicyReader.ReadDefaults"/>); the code holds no second copy of them. Per-model overrides come from the
/// model card (<see cref="PolicyReader.ForModel"/>).
/// </summary>
public static class AudiencePolicies
{
    private static readonly Lazy<IReadOnlyDictionary<string, AudiencePolicy>> Loaded = new(() => PolicyReader.ReadDefaults(DefaultPath()));

    /// <summary>Audience name -> default policy, from <see cref="DefaultPath"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No templates folder was found.</exception>
    /// <exception cref="FileNotFoundException">The templates folder has no policy file.</exception>
    /// <exception cref="InvalidDataException">The policy file is invalid; the message names the file, audience, field and value.</exception>
    public static IReadOnlyDictionary<string, AudiencePolicy> Defaults => Loaded.Value;

    /// <summary>The default data-scientist policy: everything, in margin space, unrounded, with method and parameters.</summary>
    public static AudiencePolicy DataScientist => Defaults[Audiences.DataScientist];

    /// <summary>The default business-manager policy: top feature groups in probability points, with global importance.</summary>
    public static AudiencePolicy BusinessManager => Defaults[Audiences.BusinessManager];

    /// <summary>The default fraud-analyst policy: score, strongest risk-raising signals and the strongest risk-lowering one,
    /// with values and percentiles.</summary>
    public static AudiencePolicy FraudAnalyst => Defaults[Audiences.FraudAnalyst];

    /// <summary>The default customer policy: the strongest reasons for the case's outcome, without protected or internal
    /// features, without numbers.</summary>
    public static AudiencePolicy Customer => Defaults[Audiences.Customer];

    /// <summary>The path of the default policy file: <c>policies.json</c> in the templates folder found by
    /// <see cref="TemplateRenderer.FindTemplatesDirectory"/> from <see cref="AppContext.BaseDirectory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No templates folder was found.</exception>
    public static string DefaultPath() =>
        Path.Combine(TemplateRenderer.FindTemplatesDirectory(AppContext.BaseDirectory), PolicyReader.FileName);

    /// <summary>The default policy of <paramref name="audience"/>.</summary>
    /// <exception cref="ArgumentException">The audience is unknown; the message lists the allowed values.</exception>
    public static AudiencePolicy For(string audience) => Defaults[Audiences.Require(audience, nameof(audience))];
}
