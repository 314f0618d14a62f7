using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.Projection;

namespace Explainability.Server.Tests.Views;

/// <summary>On the shipped credit-risk model: whenever the customer view says a factor it cannot list also weighed, the
/// data-scientist view of the same row raises a governance alert naming it, whatever its share of |phi|.</summary>
public sealed class HiddenReasonAlertTests
{
    [Fact]
    public void Data_scientist_alert_exactly_when_the_customer_view_has_the_hidden_factor_sentence()
    {
        using var model = LoadedModel.Load(Path.Combine(ServerFixture.ModelsDirectory, "credit-risk"));
        var service = new ExplanationService(ViewService.CreateDefault());
        int[] rows = [.. Enumerable.Range(0, 20)];
        var outcome = ExplanationService.Explain(model, model.Background!.SelectRows(rows), new ExplainOptions(AllowExtraColumns: true));
        var flagged = new List<int>();
        int belowThreshold = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            var customer = service.Render(outcome, r, Audiences.Customer, "text");
            var scientist = service.Render(outcome, r, Audiences.DataScientist, "text");
            var alert = scientist.View.Alerts.SingleOrDefault(a => a.Kind == HiddenReasonAlert.Kind);
            Assert.Equal(customer.View.HiddenFactorAmongTop, alert is not null);
            Assert.Equal(customer.View.HiddenFactorAmongTop, customer.Rendered.Contains("which we cannot list here", StringComparison.Ordinal));
            if (alert is null)
            {
                continue;
            }

            flagged.Add(r);
            if (!alert.Features.Any(f => scientist.View.Alerts.Any(a => a.Kind == ProtectedShareAlert.Kind && a.Features.Contains(f))))
            {
                belowThreshold++;
            }

            // The data scientist may see protected and internal features: the alert names them, and they are protected or internal.
            Assert.Equal(0, alert.WithheldFeatureCount);
            Assert.NotEmpty(alert.Features);
            Assert.All(alert.Features, f => Assert.True(model.Card.Features.Single(c => c.Name == f) is var c && (c["protected"] || c["internal"])));
            // None of them is among the customer's listed reasons, and each outweighs the weakest listed reason.
            Assert.All(alert.Features, f => Assert.DoesNotContain(customer.View.Items, i => i.Features.Contains(f)));
            Assert.Contains(alert.Message, scientist.Rendered, StringComparison.Ordinal);
            Assert.Null(alert.Threshold);
        }

        // Rows where the shipped customer view carries the sentence; on some of them no hidden feature reaches the 5% share
        // threshold, so only this alert tells the data scientist.
        Assert.Subset(flagged.ToHashSet(), new HashSet<int> { 7, 9, 12 });
        Assert.True(belowThreshold > 0, $"every flagged row ({string.Join(", ", flagged)}) also had a share alert; the test does not show independence");
    }
}
