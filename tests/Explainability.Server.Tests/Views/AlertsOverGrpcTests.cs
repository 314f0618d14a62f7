using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Views;

namespace Explainability.Server.Tests.Views;

/// <summary>Governance alerts travel in the gRPC response's views exactly as the in-process view holds them.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class AlertsOverGrpcTests(ServerFixture server)
{
    [Fact]
    public async Task Data_scientist_views_carry_the_governance_alerts_of_the_in_process_view()
    {
        int[] rows = [.. Enumerable.Range(0, 12)];
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", rows));
        request.Audiences.Add([Audiences.DataScientist, Audiences.Customer]);
        var response = await server.Client.ExplainAsync(request);

        var model = server.Registry.Get("credit-risk");
        var outcome = ExplanationService.Explain(model, server.BackgroundTable("credit-risk", rows), new ExplainOptions(AllowExtraColumns: true));
        var service = new ExplanationService(ViewService.CreateDefault());
        int alerted = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            var expected = service.Render(outcome, r, Audiences.DataScientist).View.Alerts;
            var actual = response.Rows[r].Views[0].Alerts;
            Assert.Equal(expected.Select(a => a.Message), actual.Select(a => a.Message));
            Assert.Equal(expected.SelectMany(a => a.Features), actual.SelectMany(a => a.Features));
            Assert.Equal(expected.Select(a => a.Kind), actual.Select(a => a.Kind));
            Assert.All(actual, a => Assert.Contains(a.Kind, (string[])["protected-feature-share", "hidden-factor-among-customer-reasons"]));
            Assert.All(actual.Where(a => a.Kind == "protected-feature-share"), a => Assert.True(a.Share > a.Threshold && a.Threshold == 0.05));
            Assert.Empty(response.Rows[r].Views[1].Alerts);
            alerted += actual.Count > 0 ? 1 : 0;
        }

        Assert.True(alerted > 0, "no row of the shipped credit model raised an alert; the test checks nothing");
    }
}
