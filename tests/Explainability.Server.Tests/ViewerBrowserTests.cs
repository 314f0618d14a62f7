using System.Net;
using System.Text.RegularExpressions;
using Explainability.Protos;

namespace Explainability.Server.Tests;

/// <summary>
/// End to end in a real browser: headless Chromium (Debian package <c>chromium</c>, which <c>.ci/run</c> installs when
/// absent) loads a viewer page and dumps its DOM. No screenshot: the assertions are on the DOM.
/// </summary>
[Collection(ServerTestGroup.Name)]
public sealed partial class ViewerBrowserTests(ServerFixture server)
{
    [SkippableFact]
    public async Task Headless_Chromium_shows_the_view_and_its_omission_section()
    {
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [14]));
        request.Audiences.Add("customer");
        string id = (await server.Client.ExplainAsync(request)).Rows[0].ExplanationId;

        string dom = await DumpDom($"http://127.0.0.1:{server.ViewerPort}/explanations/{id}/fraud-analyst");

        var recorded = (await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id })).Views.Last();
        Assert.Equal(("fraud-analyst", "Viewer"), (recorded.View.Audience, recorded.ServedBy));
        var rendered = Rendered().Match(dom);
        Assert.True(rendered.Success, $"no <pre id=\"rendered\"> in the DOM:\n{dom}");
        Assert.Equal(recorded.View.Rendered, WebUtility.HtmlDecode(rendered.Groups[1].Value));
        Assert.Contains("<svg id=\"chart\"", dom, StringComparison.Ordinal);
        var omissions = Omissions().Match(dom);
        Assert.True(omissions.Success, $"no omission section in the DOM:\n{dom}");
        Assert.Contains("What this view leaves out", omissions.Value, StringComparison.Ordinal);
        var items = OmissionItem().Matches(omissions.Value).Select(m => (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        Assert.NotEmpty(items);
        Assert.Equal(recorded.View.Omissions.Select(e => (e.Kind, e.Description)), items);
    }

    [SkippableFact]
    public async Task Headless_Chromium_shows_the_business_manager_html_template_with_its_charts_and_the_omission_section()
    {
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [14]));
        request.Audiences.Add("customer");
        string id = (await server.Client.ExplainAsync(request)).Rows[0].ExplanationId;

        string dom = await DumpDom($"http://127.0.0.1:{server.ViewerPort}/explanations/{id}/business-manager");

        var recorded = (await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id })).Views.Last();
        Assert.Equal(("business-manager", "Viewer"), (recorded.View.Audience, recorded.ServedBy));
        Assert.Contains("<div id=\"rendered-html\">", dom, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"view-drivers-chart\"", dom, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"view-global-importance\"", dom, StringComparison.Ordinal);
        var omissions = Omissions().Match(dom);
        Assert.True(omissions.Success, $"no omission section in the DOM:\n{dom}");
        var items = OmissionItem().Matches(omissions.Value).Select(m => (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        Assert.Equal(recorded.View.Omissions.Select(e => (e.Kind, e.Description)), items);
    }

    [SkippableFact]
    public async Task Headless_Chromium_shows_the_list_with_the_new_explanation_first()
    {
        var request = new ExplainRequest { ModelId = "card-fraud" };
        request.Rows.Add(server.BackgroundRows("card-fraud", [6]));
        string id = (await server.Client.ExplainAsync(request)).Rows[0].ExplanationId;

        string dom = await DumpDom($"http://127.0.0.1:{server.ViewerPort}/explanations");

        var first = FirstRow().Match(dom);
        Assert.True(first.Success, $"no explanation row in the DOM:\n{dom}");
        Assert.Equal(id, first.Groups[1].Value);
    }

    private static Task<string> DumpDom(string url) => HeadlessChromium.DumpDom(url);

    [GeneratedRegex("<pre id=\"rendered\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex Rendered();

    [GeneratedRegex("<section id=\"omissions\">.*?</section>", RegexOptions.Singleline)]
    private static partial Regex Omissions();

    [GeneratedRegex("<li data-kind=\"([a-z-]+)\">(.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex OmissionItem();

    [GeneratedRegex("<tr data-id=\"([0-9a-f]{32})\">")]
    private static partial Regex FirstRow();
}
