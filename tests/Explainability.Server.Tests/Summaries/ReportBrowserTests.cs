using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Explainability.Protos;

namespace Explainability.Server.Tests.Summaries;

/// <summary>
/// The HTML reports the Drift and Summarize RPCs render, opened in headless Chromium (<see cref="HeadlessChromium"/>) from a
/// file: every chart is in the DOM the browser built, with as many marks as the numbers it draws.
/// </summary>
[Collection(ServerTestGroup.Name)]
public sealed partial class ReportBrowserTests(ServerFixture server)
{
    private static readonly int[] Picked = [.. Enumerable.Range(0, 150)];

    private async Task<(DriftResponse Response, string Dom)> DriftReport(string audience)
    {
        var request = new DriftRequest { ModelId = "credit-risk", Audience = audience, Format = "html" };
        request.BaselineRows.Add(server.BackgroundRows("credit-risk", Picked));
        request.CurrentRows.Add(DriftRpcTests.Shift(server.BackgroundRows("credit-risk", Picked), "duration", 48));
        var response = await server.Client.DriftAsync(request);
        return (response, await Open(response.Rendered));
    }

    [SkippableFact]
    public async Task The_data_scientist_report_shows_every_chart_with_a_mark_per_feature_or_bin_and_the_drift()
    {
        var (response, dom) = await DriftReport("data-scientist");
        var summarize = new SummarizeRequest { ModelId = "credit-risk" };
        summarize.Rows.Add(DriftRpcTests.Shift(server.BackgroundRows("credit-risk", Picked), "duration", 48));
        var summary = (await server.Client.SummarizeAsync(summarize)).Summary;

        var charts = Charts(dom);
        var top = summary.Features.OrderByDescending(f => f.MeanAbsShap).ToList();
        var importance = Assert.Single(charts, c => c.Kind == "importance");
        Assert.Equal(top.Select(f => f.Feature), importance.Marks.Select(m => m.Label));
        Assert.Equal(top.Select(f => f.MeanAbsShap), importance.Marks.Select(m => m.Value));
        var beeswarms = charts.Where(c => c.Kind == "beeswarm").ToList();
        var dependences = charts.Where(c => c.Kind == "dependence").ToList();
        Assert.Equal(top.Take(5).Select(f => f.Feature), beeswarms.Select(c => c.Feature));
        Assert.Equal(top.Take(5).Select(f => f.Feature), dependences.Select(c => c.Feature));
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(top[i].Beeswarm.Count(b => b.Count > 0), beeswarms[i].Marks.Count);
            Assert.Equal(top[i].Dependence.Count, dependences[i].Marks.Count);
            Assert.Equal(top[i].Dependence.Select(b => b.MeanShap), dependences[i].Marks.Select(m => m.Value));
        }

        var drift = Assert.Single(charts, c => c.Kind == "drift");
        Assert.Equal(20, drift.Marks.Count);
        Assert.Equal("duration", drift.Marks[0].Label);
        Assert.Equal(response.Features.Single(f => f.Feature == "duration").MeanAbsChange, drift.Marks[0].Value);
        Assert.Equal(response.Flagged.ToString(CultureInfo.InvariantCulture), DriftFlagged().Match(dom).Groups[1].Value);
        string meanAbs = top[0].MeanAbsShap.ToString("0.0000", CultureInfo.InvariantCulture);
        Assert.Contains($"<tr data-feature=\"{top[0].Feature}\">", dom, StringComparison.Ordinal);
        Assert.Contains($"<td class=\"n mean-abs\">{meanAbs}</td>", dom, StringComparison.Ordinal);
        Assert.Contains($"<code id=\"model-sha256\">{response.ModelSha256}</code>", dom, StringComparison.Ordinal);
        Assert.Contains("What this report leaves out", Omissions().Match(dom).Value, StringComparison.Ordinal);
        Assert.Contains("<li data-kind=\"beyond-top-k\">", dom, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_business_manager_report_shows_the_drivers_chart_and_the_drift_chart_in_plain_words()
    {
        var (response, dom) = await DriftReport("business-manager");

        var charts = Charts(dom);
        Assert.Equal(["importance", "drift"], charts.Select(c => c.Kind));
        Assert.Equal(5, charts[0].Marks.Count);
        Assert.Equal(20, charts[1].Marks.Count);
        Assert.Equal(Drivers().Matches(dom).Select(m => m.Groups[1].Value), charts[0].Marks.Select(m => m.Label));
        Assert.Contains("<strong>Loan duration</strong>", dom, StringComparison.Ordinal);
        Assert.Contains("Duration of the requested credit.", dom, StringComparison.Ordinal);
        Assert.Contains("<li data-feature=\"duration\">Loan duration weighs ", dom, StringComparison.Ordinal);
        Assert.Contains($"<strong>{response.Flagged}</strong> factors changed enough to need a review", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("log-odds", dom.Split("What this report leaves out")[0], StringComparison.Ordinal);
        Assert.Contains("<li data-kind=\"unflagged-drift\">", Omissions().Match(dom).Value, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_summarize_report_with_interactions_and_cohorts_shows_their_tables_and_no_drift()
    {
        var request = new SummarizeRequest { ModelId = "credit-risk", Audience = "data-scientist", Format = "html", Interactions = 3, CohortColumn = "housing" };
        request.Rows.Add(server.BackgroundRows("credit-risk", Picked));
        var response = await server.Client.SummarizeAsync(request);

        string dom = await Open(response.Rendered);

        Assert.Equal(response.Summary.InteractionPairs.Count, Regex.Count(Table().Match(dom.Split("<table id=\"interactions\">")[1]).Value, "<tr>"));
        Assert.Equal(response.Cohorts.Count, Regex.Count(Table().Match(dom.Split("<table id=\"cohorts\">")[1]).Value, "<tr>"));
        Assert.DoesNotContain(Charts(dom), c => c.Kind == "drift");
        Assert.Equal(5, Charts(dom).Count(c => c.Kind == "beeswarm"));
    }

    /// <summary>Writes <paramref name="html"/> to a file and returns the DOM Chromium builds of it.</summary>
    private static async Task<string> Open(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        string path = Path.Combine(Path.GetTempPath(), $"explainability-report-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(path, html);
        try
        {
            return await HeadlessChromium.DumpDom(new Uri(path).AbsoluteUri);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed record Mark(string Label, double Value);

    private sealed record Chart(string Kind, string Feature, IReadOnlyList<Mark> Marks);

    private static List<Chart> Charts(string dom) =>
        [.. Svg().Matches(dom).Select(m => new Chart(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value),
            [.. MarkElement().Matches(m.Groups[3].Value).Select(x => new Mark(WebUtility.HtmlDecode(x.Groups[1].Value),
                x.Groups[2].Success ? double.Parse(x.Groups[2].Value, CultureInfo.InvariantCulture) : double.NaN))]))];

    [GeneratedRegex("<svg data-chart=\"([a-z]+)\"(?: data-feature=\"([^\"]*)\")?[^>]*>(.*?)</svg>", RegexOptions.Singleline)]
    private static partial Regex Svg();

    [GeneratedRegex("<(?:rect|circle) data-mark=\"([^\"]*)\"(?: data-value=\"([^\"]*)\")?")]
    private static partial Regex MarkElement();

    [GeneratedRegex("<span id=\"drift-flagged\">([0-9]+)</span>")]
    private static partial Regex DriftFlagged();

    [GeneratedRegex("<li data-feature=\"([^\"]+)\"><strong>")]
    private static partial Regex Drivers();

    [GeneratedRegex("<tbody>.*?</tbody>", RegexOptions.Singleline)]
    private static partial Regex Table();

    [GeneratedRegex("<section id=\"omissions\">.*?</section>", RegexOptions.Singleline)]
    private static partial Regex Omissions();
}
