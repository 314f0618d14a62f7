using Explainability.Core.Explanations;
using Explainability.Views;
using Explainability.Views.Projection;
using Explainability.Views.Rendering;
using Explainability.Views.Reports;

namespace Explainability.Server.Summaries;

/// <summary>
/// Global reports for the <c>Summarize</c> and <c>Drift</c> RPCs and the <c>report</c> command: a summary (and a drift
/// comparison) projected into the audience's <see cref="ReportView"/> under its policy with the model card's overrides
/// (<see cref="ViewService.PolicyFor(string, Views.ModelCards.ModelCard, string?)"/>), rendered through
/// <c>templates/&lt;audience&gt;/report.&lt;format&gt;.scriban</c>.
/// </summary>
public static class ReportService
{
    /// <summary>Checks before anything is computed that <paramref name="audience"/> has a report in <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException">The audience has no report, or the format is not <c>html</c> or <c>md</c>; the
    /// message lists what is allowed.</exception>
    public static void RequireReport(string audience, string format)
    {
        ReportViewBuilder.RequireAudience(audience);
        TemplateRenderer.RequireFormat(format, TemplateRenderer.ReportFormats);
    }

    /// <summary>The report of <paramref name="current"/> for <paramref name="audience"/>, with a drift section when
    /// <paramref name="drift"/> is given (whose <see cref="DriftOutcome.Current"/> is then the summary reported).</summary>
    /// <param name="views">The policies (and the card overrides they take).</param>
    /// <param name="current">The summary to report.</param>
    /// <param name="audience"><c>data-scientist</c> or <c>business-manager</c>.</param>
    /// <param name="bins">Bins the summary was computed with.</param>
    /// <param name="drift">The drift of <paramref name="current"/> against a baseline, or null.</param>
    /// <param name="rowsGiven">Rows given, when more than were summarized; null for the summary's rows.</param>
    /// <exception cref="ArgumentException">The audience has no report.</exception>
    /// <exception cref="InvalidDataException">The card's policy override for the audience is invalid.</exception>
    public static ReportView Build(ViewService views, SummaryOutcome current, string audience, int bins, DriftOutcome? drift = null, int? rowsGiven = null)
    {
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(current);
        ReportViewBuilder.RequireAudience(audience);
        var model = current.Model;
        var input = new ReportInput
        {
            Audience = audience,
            Policy = views.PolicyFor(audience, model.Card),
            ModelId = model.Id,
            ModelVersion = model.Version,
            ModelSha256 = model.Sha256,
            Card = model.Card,
            Summary = current.Whole,
            RowsGiven = rowsGiven ?? current.Whole.RowCount,
            Bins = bins,
            BaseValue = current.BaseValue,
            Parameters = current.Parameters,
            CohortColumn = current.CohortColumn,
            Cohorts = current.Cohorts,
            Drift = drift?.Features,
            DriftThresholds = drift?.Thresholds,
            BaselineRows = drift?.Baseline.Whole.RowCount ?? 0,
        };
        string unit = current.Whole.OutputSpace == OutputSpace.Margin ? Units.Margin(current.Link) : Units.ExplanationProbability(current.Link);
        return ReportViewBuilder.Build(input, unit);
    }

    /// <summary><see cref="Build"/>, rendered in <paramref name="format"/> (<c>html</c> or <c>md</c>).</summary>
    /// <exception cref="ArgumentException">The audience has no report or the format is unknown.</exception>
    /// <exception cref="InvalidOperationException">The template failed while rendering.</exception>
    public static string Render(ViewService views, SummaryOutcome current, string audience, string format, int bins, DriftOutcome? drift = null, int? rowsGiven = null)
    {
        ArgumentNullException.ThrowIfNull(views);
        RequireReport(audience, format);
        return views.Renderer.RenderReport(Build(views, current, audience, bins, drift, rowsGiven), format);
    }
}
