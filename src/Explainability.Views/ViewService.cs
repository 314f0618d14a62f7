using Explainability.Core.Comparison;
using Explainability.Views.Comparison;
using Explainability.Views.ModelCards;
using Explainability.Views.Policies;
using Explainability.Views.Projection;
using Explainability.Views.Rendering;

namespace Explainability.Views;

/// <summary>
/// The one entry point servers and the CLI use: project an explanation for an audience, then render the view.
/// Thread-safe.
/// </summary>
public sealed class ViewService
{
    private readonly Dictionary<string, AudiencePolicy> _policies;

    /// <summary>A service rendering with <paramref name="renderer"/> under <paramref name="policies"/> (audience -> policy;
    /// audiences not listed use <see cref="AudiencePolicies.Defaults"/>, read from <c>templates/policies.json</c>). Model
    /// cards' overrides apply on top, per projection.</summary>
    /// <exception cref="ArgumentException">A policy is invalid or filed under another audience's name.</exception>
    /// <exception cref="InvalidDataException">The default policy file is invalid.</exception>
    public ViewService(TemplateRenderer renderer, IReadOnlyDictionary<string, AudiencePolicy>? policies = null)
    {
        Renderer = renderer;
        var merged = new Dictionary<string, AudiencePolicy>(AudiencePolicies.Defaults, StringComparer.Ordinal);
        foreach (var (audience, policy) in policies ?? new Dictionary<string, AudiencePolicy>())
        {
            Audiences.Require(audience, nameof(policies));
            if (policy.Audience != audience)
            {
                throw new ArgumentException($"the policy filed under '{audience}' is for '{policy.Audience}'", nameof(policies));
            }

            merged[audience] = policy.Validated();
        }

        _policies = merged;
    }

    /// <summary>The renderer.</summary>
    public TemplateRenderer Renderer { get; }

    /// <summary>A service with default policies and the templates found beside the binaries.</summary>
    /// <exception cref="DirectoryNotFoundException">No templates folder was found.</exception>
    public static ViewService CreateDefault() => new(TemplateRenderer.FromDefaultLocation());

    /// <summary>The policy of <paramref name="audience"/>, in <paramref name="language"/> when given.</summary>
    /// <exception cref="ArgumentException">The audience is unknown; the message lists the allowed values.</exception>
    public AudiencePolicy PolicyFor(string audience, string? language = null)
    {
        var policy = _policies[Audiences.Require(audience, nameof(audience))];
        return string.IsNullOrWhiteSpace(language) ? policy : (policy with { Language = language }).Validated();
    }

    /// <summary>The policy of <paramref name="audience"/> for the model of <paramref name="card"/>: this service's policy,
    /// then the card's overrides for the audience (<see cref="PolicyReader.ForModel"/>), then <paramref name="language"/>
    /// when given (a request's language wins over the card's).</summary>
    /// <exception cref="ArgumentException">The audience is unknown; the message lists the allowed values.</exception>
    /// <exception cref="InvalidDataException">The card's override for the audience is invalid.</exception>
    public AudiencePolicy PolicyFor(string audience, ModelCard card, string? language = null)
    {
        var policy = PolicyReader.ForModel(_policies[Audiences.Require(audience, nameof(audience))], card);
        return string.IsNullOrWhiteSpace(language) ? policy : (policy with { Language = language }).Validated();
    }

    /// <summary>The view of <paramref name="context"/> for <paramref name="audience"/> (with the card's policy overrides).</summary>
    /// <exception cref="ArgumentException">The audience is unknown; the message lists the allowed values.</exception>
    /// <exception cref="InvalidDataException">The card's override for the audience is invalid.</exception>
    public AudienceView Project(ExplanationContext context, string audience, string? language = null) =>
        ProjectWithRecord(context, audience, language).View;

    /// <summary>The view of <paramref name="context"/> for <paramref name="audience"/> and the complete omission record for
    /// the ledger, under the audience's policy with the model card's overrides (<see cref="PolicyFor(string, ModelCard, string)"/>).</summary>
    /// <exception cref="ArgumentException">The audience is unknown; the message lists the allowed values.</exception>
    /// <exception cref="InvalidDataException">The card's override for the audience is invalid.</exception>
    public ProjectionResult ProjectWithRecord(ExplanationContext context, string audience, string? language = null) =>
        Projector.Run(context, PolicyFor(audience, context.Card, language), PolicyFor(Audiences.Customer, context.Card));

    /// <summary>Renders <paramref name="view"/> in <paramref name="format"/> (<c>text</c> or <c>md</c>) with its audience's template.</summary>
    /// <exception cref="ArgumentException">The format is unknown; the message lists the allowed values.</exception>
    public string Render(AudienceView view, string format) => Renderer.Render(view, format);

    /// <summary>The data-scientist view of <paramref name="comparison"/> (see <see cref="ComparisonViewBuilder.Build"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chartFeatures"/> below 1.</exception>
    public static ComparisonView ProjectComparison(TechniqueComparison comparison, ModelCard? card = null, int chartFeatures = ComparisonViewBuilder.DefaultChartFeatures) =>
        ComparisonViewBuilder.Build(comparison, card, chartFeatures);

    /// <summary>Renders a comparison <paramref name="view"/> in <paramref name="format"/> (<c>text</c>, <c>md</c> or <c>html</c>).</summary>
    /// <exception cref="ArgumentException">The format is unknown; the message lists the allowed values.</exception>
    public string RenderComparison(ComparisonView view, string format) => Renderer.RenderComparison(view, format);
}
