using Explainability.Protos;
using Grpc.Core;

namespace Explainability.Server.Tests;

/// <summary>The business-manager and data-scientist HTML templates are reachable over gRPC (Explain and Render); other
/// audiences refuse html with a message naming the formats they have.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class HtmlFormatTests(ServerFixture server)
{
    [Fact]
    public async Task Explain_and_Render_serve_the_html_templates_and_refuse_html_for_an_audience_without_one()
    {
        var request = new ExplainRequest { ModelId = "credit-risk", Format = "html" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [9]));
        request.Audiences.Add(["business-manager", "data-scientist"]);
        var response = await server.Client.ExplainAsync(request);
        var views = response.Rows[0].Views;
        Assert.All(views, v => Assert.StartsWith("<!DOCTYPE html>", v.Rendered, StringComparison.Ordinal));
        Assert.Contains("<svg id=\"global-importance\"", views[0].Rendered, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"waterfall\"", views[1].Rendered, StringComparison.Ordinal);

        var render = await server.Client.RenderAsync(new RenderRequest { ExplanationId = response.Rows[0].ExplanationId, Audience = "business-manager", Format = "html" });
        Assert.StartsWith("<!DOCTYPE html>", render.View.Rendered, StringComparison.Ordinal);

        request.Audiences.Add("customer");
        var explain = await Assert.ThrowsAsync<RpcException>(() => server.Client.ExplainAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, explain.StatusCode);
        Assert.Contains("audience 'customer' has no html template (explanation.html.scriban); expected one of: text, md", explain.Status.Detail, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Client.RenderAsync(new RenderRequest { ExplanationId = response.Rows[0].ExplanationId, Audience = "fraud-analyst", Format = "html" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("audience 'fraud-analyst' has no html template", refused.Status.Detail, StringComparison.Ordinal);
    }
}
