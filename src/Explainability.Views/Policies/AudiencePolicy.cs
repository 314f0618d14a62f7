namespace Explainability.Views.Policies;

/// <summary>
/// How one audience's view is projected from a full explanation. Immutable; defaults per audience come from
/// <c>templates/policies.json</c> (<see cref="AudiencePolicies.Defaults"/>, read by <see cref="PolicyReader"/>), overridable
/// per model in the model card. Each setting switches on one projection step under <c>Projection/</c>. In JSON every
/// setting is the camelCase property name (<c>topK</c>) and enum values are kebab-case (<c>top-by-magnitude</c>).
/// </summary>
public sealed partial record AudiencePolicy
{
    /// <summary>The audience this policy serves (<see cref="Audiences"/>).</summary>
    public required string Audience { get; init; }

    /// <summary>Which attributions to keep; <see cref="Projection.TopK"/>.</summary>
    public Selection Selection { get; init; } = Selection.All;

    /// <summary>How many items to keep by |value| (<see cref="Selection.TopByMagnitude"/>) or, for
    /// <see cref="Selection.TopByDirection"/>, how many of those pushing toward the explained output; for
    /// <see cref="Selection.TopByDecision"/>, how many of those pushing toward the case's outcome.</summary>
    public int TopK { get; init; } = 5;

    /// <summary>For <see cref="Selection.TopByDirection"/>: how many items pushing away from the explained output; for
    /// <see cref="Selection.TopByDecision"/>: how many pushing against the case's outcome.</summary>
    public int TopLowering { get; init; }

    /// <summary>Features carrying any of these tags are not shown; <see cref="Projection.HideTagged"/>.</summary>
    public IReadOnlyList<string> HiddenTags { get; init; } = [];

    /// <summary>Whether features are summed into their model-card group; <see cref="Projection.GroupByFeatureGroup"/>.</summary>
    public bool GroupByFeatureGroup { get; init; }

    /// <summary>The scale values are shown in; <see cref="Projection.RescaleToProbability"/>.</summary>
    public OutputScale Scale { get; init; } = OutputScale.Margin;

    /// <summary>Decimals shown values are rounded to, in the view's unit; null keeps full precision. <see cref="Projection.Round"/>.</summary>
    public int? Decimals { get; init; }

    /// <summary>Language code for display names and templates (<c>en</c>, <c>nl</c>).</summary>
    public string Language { get; init; } = "en";

    /// <summary>Context added to each shown feature.</summary>
    public ContextBlocks Context { get; init; } = ContextBlocks.None;

    /// <summary>Whether the model output (score) is shown; <see cref="Projection.HideScore"/>.</summary>
    public bool ShowScore { get; init; } = true;

    /// <summary>Whether the base value is shown; <see cref="Projection.DropBaseValue"/>.</summary>
    public bool ShowBaseValue { get; init; } = true;

    /// <summary>Whether attribution amounts are shown (else only which features and their direction); <see cref="Projection.HideAttributionValues"/>.</summary>
    public bool ShowValues { get; init; } = true;

    /// <summary>Whether method, parameters and additivity residual are shown; <see cref="Projection.DropTechnicalDetails"/>.</summary>
    public bool ShowTechnicalDetails { get; init; }

    /// <summary>Whether a model's per-row offset (a model input added to the margin, casebook C11) is shown as its own line;
    /// <see cref="Projection.HideOffset"/>. It is not a driver, so only audiences that see the whole score composition show it.</summary>
    public bool ShowOffset { get; init; }

    /// <summary>Whether standard errors of sampled values are shown; <see cref="Projection.DropUncertainty"/>.</summary>
    public bool ShowUncertainty { get; init; }

    /// <summary>Share (0..1) of the total |phi| above which a <c>protected</c> feature raises a governance alert in the view
    /// (<see cref="Projection.ProtectedShareAlert"/>); null for no check.</summary>
    public double? GovernanceThreshold { get; init; }

    /// <summary>The feature tags a model card may carry (<see cref="ModelCards.FeatureCard.Tags"/>), and so the only values
    /// <see cref="HiddenTags"/> may hold.</summary>
    public static IReadOnlyList<string> KnownTags { get; } = ["protected", "internal", "actionable"];

    /// <summary>The tags the customer's policy must always hide: no policy may show the customer a protected or internal feature.</summary>
    public static IReadOnlyList<string> CustomerAlwaysHidden { get; } = ["protected", "internal"];

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A hidden tag is not one of <see cref="KnownTags"/>, the customer's hidden tags
    /// lack one of <see cref="CustomerAlwaysHidden"/>, the customer's policy shows a score, base value, values, technical
    /// details, uncertainty or offset, a count or the number of decimals is negative, the language is not a language
    /// code, or the governance threshold is outside 0..1; <see cref="ArgumentException.ParamName"/> is the setting.</exception>
    public AudiencePolicy Validated()
    {
        Audiences.Require(Audience, nameof(Audience));
        if (TopK < 0)
        {
            throw new ArgumentException($"policy for {Audience}: topK is {TopK}, expected 0 or more", nameof(TopK));
        }

        if (TopLowering < 0)
        {
            throw new ArgumentException($"policy for {Audience}: topLowering is {TopLowering}, expected 0 or more", nameof(TopLowering));
        }

        foreach (string tag in HiddenTags)
        {
            if (!KnownTags.Contains(tag, StringComparer.Ordinal))
            {
                throw new ArgumentException($"policy for {Audience}: hiddenTags has unknown tag '{tag}', expected any of {string.Join(", ", KnownTags)}", nameof(HiddenTags));
            }
        }

        if (Audience == Audiences.Customer)
        {
            // The customer never sees protected or internal features, whatever a policy file or a model card says: a
            // misspelt or dropped tag must fail at load, not show Age as a reason.
            var missing = CustomerAlwaysHidden.Where(t => !HiddenTags.Contains(t, StringComparer.Ordinal)).ToList();
            if (missing.Count > 0)
            {
                throw new ArgumentException(
                    $"policy for {Audience}: hiddenTags is [{string.Join(", ", HiddenTags)}] and lacks {string.Join(" and ", missing)}; the customer view always hides {string.Join(" and ", CustomerAlwaysHidden)}",
                    nameof(HiddenTags));
            }

            // Nor a score, a base value, attribution values, technical details, uncertainty or an offset: the customer
            // templates print none of them, so a policy that "showed" one would make the omission record claim the
            // customer saw what they did not.
            foreach (var (name, shown) in CustomerNeverShown())
            {
                if (shown)
                {
                    throw new ArgumentException(
                        $"policy for {Audience}: {name} is true; the customer view never shows the score, base value, attribution values, technical details, uncertainty or offset (no numbers a customer cannot use)",
                        name);
                }
            }
        }

        if (Decimals is < 0 or > 15)
        {
            throw new ArgumentException($"policy for {Audience}: decimals is {Decimals}, expected 0 to 15", nameof(Decimals));
        }

        if (!IsLanguageCode(Language))
        {
            // The language picks a template file (explanation.<language>.<format>.scriban): only a code may reach it.
            throw new ArgumentException($"policy for {Audience}: language '{Language}' is not a language code such as 'en', 'nl' or 'en-GB'", nameof(Language));
        }

        if (GovernanceThreshold is double t && !(t >= 0 && t <= 1))
        {
            throw new ArgumentException(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"policy for {Audience}: governanceThreshold is {t}, expected a share between 0 and 1"),
                nameof(GovernanceThreshold));
        }

        return this;
    }

    private IEnumerable<(string Name, bool Shown)> CustomerNeverShown() =>
    [
        ("showScore", ShowScore), ("showBaseValue", ShowBaseValue), ("showValues", ShowValues),
        ("showTechnicalDetails", ShowTechnicalDetails), ("showUncertainty", ShowUncertainty), ("showOffset", ShowOffset),
    ];

    /// <summary>Whether <paramref name="language"/> is a language code (<c>en</c>, <c>nl</c>, <c>en-GB</c>), safe to put in a template file name.</summary>
    public static bool IsLanguageCode(string? language) => language is not null && LanguageCode().IsMatch(language);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex LanguageCode();
}
