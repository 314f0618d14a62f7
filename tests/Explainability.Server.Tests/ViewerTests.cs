using System.Net;
using System.Text.RegularExpressions;
using Explainability.Protos;
using Grpc.Core;
using Grpc.Net.Client;

namespace Explainability.Server.Tests;

/// <summary>The analysts' HTML viewer over plain HTTP/1.1 on its own port.</summary>
[Collection(ServerTestGroup.Name)]
public sealed partial class ViewerTests(ServerFixture server)
{
    [Fact]
    public async Task List_shows_recent_explanations_with_links_to_every_audience_view()
    {
        string id = await ExplainOne("credit-risk", 11, "customer");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };

        using var response = await http.GetAsync("/explanations?limit=5");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        // Newest first: the explanation just recorded is the first row.
        Assert.Equal(id, RowId().Match(html).Groups[1].Value);
        Assert.InRange(RowId().Count(html), 1, 5);
        foreach (string audience in new[] { "data-scientist", "business-manager", "fraud-analyst", "customer" })
        {
            Assert.Contains($"<a href=\"/explanations/{id}/{audience}\">{audience}</a>", html, StringComparison.Ordinal);
        }

        AssertSelfContained(html);
    }

    [Fact]
    public async Task View_page_shows_the_audience_view_escaped_its_chart_and_its_omission_section_and_records_it()
    {
        string id = await ExplainOne("credit-risk", 12, "data-scientist");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };

        string html = await http.GetStringAsync($"/explanations/{id}/fraud-analyst?language=nl");

        var got = await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id });
        var recorded = got.Views.Last();
        // The fraud analyst has no Dutch template: the page is English, recorded as such.
        Assert.Equal(("Viewer", "viewer", "fraud-analyst", "en"), (recorded.ServedBy, recorded.Client, recorded.View.Audience, recorded.View.Language));
        Assert.Contains($"<pre id=\"rendered\">{WebUtility.HtmlEncode(recorded.View.Rendered)}</pre>", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"chart\"", html, StringComparison.Ordinal);
        Assert.Contains("<section id=\"omissions\">", html, StringComparison.Ordinal);
        foreach (var entry in recorded.View.Omissions)
        {
            Assert.Contains($"<li data-kind=\"{entry.Kind}\">{WebUtility.HtmlEncode(entry.Description)}</li>", html, StringComparison.Ordinal);
        }

        Assert.Contains($"{recorded.View.ShareOfAbsPhiNotShown:P1}", html, StringComparison.Ordinal);
        AssertSelfContained(html);
    }

    [Fact]
    public async Task Customer_page_names_no_hidden_feature_although_the_ledger_keeps_them()
    {
        string id = await ExplainOne("credit-risk", 13, "data-scientist");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };

        string html = await http.GetStringAsync($"/explanations/{id}/customer");

        var card = server.Registry.Get("credit-risk").Card;
        var hidden = card.Features.Where(f => f["protected"] || f["internal"]).ToList();
        Assert.NotEmpty(hidden);
        // What the customer is shown: the view and its omission section (the page's links name the other audiences).
        int start = html.IndexOf("<section id=\"view\"", StringComparison.Ordinal);
        string shown = html[start..html.LastIndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("<section id=\"omissions\">", shown, StringComparison.Ordinal);
        foreach (var feature in hidden)
        {
            foreach (string name in feature.DisplayName.Values.Append(feature.Name))
            {
                Assert.DoesNotMatch($"(?i)\\b{Regex.Escape(name)}\\b", shown);
            }
        }

        var full = (await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id })).Views.Last().FullOmissions;
        Assert.Contains(full.Entries, e => e.Kind == "hidden-tagged" && hidden.All(h => e.Features.Contains(h.Name)));
    }

    [Theory]
    [InlineData("/explanations/0123456789abcdef0123456789abcdef/customer", HttpStatusCode.NotFound, "no explanation &#39;0123456789abcdef0123456789abcdef&#39; in the ledger")]
    [InlineData("/explanations/%3Cscript%3E/customer", HttpStatusCode.BadRequest, "explanation id &#39;&lt;script&gt;&#39; is malformed")]
    [InlineData("/explanations?limit=0", HttpStatusCode.BadRequest, "limit &#39;0&#39; is not a whole number from 1 to 1000")]
    [InlineData("/", HttpStatusCode.NotFound, null)]
    [InlineData("/explainability.v1.Explainer/ListModels", HttpStatusCode.NotFound, null)]
    public async Task Viewer_refuses_with_an_escaped_message_and_serves_nothing_but_its_own_pages(string path, HttpStatusCode code, string? mention)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };

        using var response = await http.GetAsync(path);

        Assert.Equal(code, response.StatusCode);
        string html = await response.Content.ReadAsStringAsync();
        if (mention is not null)
        {
            Assert.Contains(mention, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_audience_is_400_and_gRPC_and_viewer_keep_to_their_own_ports()
    {
        string id = await ExplainOne("card-fraud", 3, "fraud-analyst");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };

        using var audience = await http.GetAsync($"/explanations/{id}/regulator");
        Assert.Equal(HttpStatusCode.BadRequest, audience.StatusCode);
        Assert.Contains("unknown audience &#39;regulator&#39;", await audience.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // gRPC on the viewer port is refused; the gRPC port has no viewer pages.
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.ViewerPort}");
        await Assert.ThrowsAsync<RpcException>(() => new Explainer.ExplainerClient(channel).ListModelsAsync(new ListModelsRequest()).ResponseAsync);
        using var h2 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}"), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var onGrpcPort = await h2.GetAsync("/explanations");
        Assert.Equal(HttpStatusCode.NotFound, onGrpcPort.StatusCode);
    }

    [Fact]
    public async Task An_audience_with_an_html_template_is_shown_with_it_embedded_under_the_same_policy()
    {
        string id = await ExplainOne("credit-risk", 9, "customer");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };

        using var response = await http.GetAsync($"/explanations/{id}/data-scientist");
        string html = await response.Content.ReadAsStringAsync();
        var recorded = (await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id })).Views.Last();
        Assert.Equal(("Viewer", "data-scientist"), (recorded.ServedBy, recorded.View.Audience));
        Assert.StartsWith("<!DOCTYPE html>", recorded.View.Rendered, StringComparison.Ordinal);
        Assert.Contains("<div id=\"rendered-html\">", html, StringComparison.Ordinal);
        // The template's waterfall and tables, with ids that cannot collide with the page's.
        Assert.Contains("<svg id=\"view-waterfall\"", html, StringComparison.Ordinal);
        Assert.Contains("<table id=\"view-shap-values\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<pre id=\"rendered\">", html, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(html, "<!DOCTYPE html>"));
        Assert.Equal(1, Regex.Count(html, "<section id=\"omissions\">"));
        Assert.Equal(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            response.Headers.GetValues("Content-Security-Policy").Single());
        AssertSelfContained(html);

        // The customer has no HTML template: the text view in the viewer's wrapper, as before.
        string customer = await http.GetStringAsync($"/explanations/{id}/customer");
        Assert.Contains("<pre id=\"rendered\">", customer, StringComparison.Ordinal);
        Assert.DoesNotContain("rendered-html", customer, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedding_refuses_scripts_event_handlers_and_outside_resources()
    {
        Assert.Throws<InvalidOperationException>(() => Viewer.ViewerPages.EmbeddableBody("<html><body><script>x()</script></body></html>"));
        Assert.Throws<InvalidOperationException>(() => Viewer.ViewerPages.EmbeddableBody("<html><body><p onclick=\"x()\">a</p></body></html>"));
        Assert.Throws<InvalidOperationException>(() => Viewer.ViewerPages.EmbeddableBody("<html><body><img src=\"https://example.org/x.png\"></body></html>"));
        Assert.Equal("<style>p {}</style>\n<p id=\"view-a\">ok</p>", Viewer.ViewerPages.EmbeddableBody("<html><head><meta charset=\"utf-8\"><style>p {}</style></head><body><p id=\"a\">ok</p></body></html>"));
    }

    private async Task<string> ExplainOne(string modelId, int row, string audience)
    {
        var request = new ExplainRequest { ModelId = modelId };
        request.Rows.Add(server.BackgroundRows(modelId, [row]));
        request.Audiences.Add(audience);
        return (await server.Client.ExplainAsync(request)).Rows[0].ExplanationId;
    }

    /// <summary>No script and no resource from elsewhere: no src or href to another origin, no CSS url().</summary>
    private static void AssertSelfContained(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(src|href)\\s*=\\s*\"(https?:)?//", html);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("<tr data-id=\"([0-9a-f]{32})\">")]
    private static partial Regex RowId();
}
