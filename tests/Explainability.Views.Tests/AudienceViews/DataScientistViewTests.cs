using System.Text.Json;
using Explainability.Views.ModelCards;
using Explainability.Views.Policies;
using Explainability.Views.Projection;

namespace Explainability.Views.Tests.AudienceViews;

/// <summary>The data-scientist view: every number of the explanation, a waterfall, and governance alerts on protected features.</summary>
public class DataScientistViewTests
{
    private static readonly ViewService Service = ViewService.CreateDefault();

    // AgeDominates: |phi| = 0.30, 0.10, 0.25, 0.20, 0.60 (age, protected), 0.05 (personal_status, protected), 0.15; total 1.65.
    private const double Total = 1.65;

    private static ExplanationContext Case(ModelCard? card = null, double residual = 0) => ExplanationContext.Create(
        TestData.Logistic(TestData.Columns, TestData.AgeDominates, -0.85, residual), 0, 0, card ?? TestData.CreditCard(), TestData.CaseRow(), TestData.Background());

    private static ModelCard CardWith(string policiesJson) => TestData.CreditCard() with
    {
        Policies = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(policiesJson),
    };

    [Fact]
    public void Numbers_equal_the_explanations_own()
    {
        var ctx = Case(residual: 2e-7);
        var view = Service.Project(ctx, Audiences.DataScientist);
        var e = ctx.Explanation;
        Assert.Equal(e.Base(0, 0), view.BaseValue);
        Assert.Equal(e.Output(0, 0), view.ModelOutput);
        Assert.Equal(e.AdditivityResiduals[0], view.AdditivityResidual);
        Assert.Equal("tree_path_dependent", view.Method);
        for (int f = 0; f < TestData.Columns.Length; f++)
        {
            Assert.Equal(e.Phi(0, f, 0), view.Items.Single(i => i.Key == TestData.Columns[f]).Value);
        }
    }

    [Fact]
    public void A_protected_feature_above_the_threshold_raises_one_alert_naming_it_and_its_share()
    {
        var view = Service.Project(Case(), Audiences.DataScientist);
        var alert = Assert.Single(view.Alerts, a => a.Kind == ProtectedShareAlert.Kind);
        Assert.Equal(["age"], alert.Features);
        Assert.Equal(["Age"], alert.FeatureLabels);
        Assert.Equal(0.60 / Total, alert.Share!.Value, 12);
        Assert.Equal(0.05, alert.Threshold);
        Assert.Equal("governanceThreshold = 0.05", alert.Rule);
        Assert.Equal("protected feature 'Age' (age) carries 36.4% of the total |SHAP| of this case, more than the governance threshold of 5%", alert.Message);

        foreach (string format in TemplateRendererFormats)
        {
            string text = Service.Render(view, format);
            Assert.Contains(alert.Message.Replace("'", format == "html" ? "&#39;" : "'", StringComparison.Ordinal), text, StringComparison.Ordinal);
        }
    }

    private static readonly string[] TemplateRendererFormats = ["text", "md", "html"];

    [Fact]
    public void The_threshold_comes_from_the_policy_and_a_share_must_exceed_it()
    {
        // personal_status carries 0.05 / 1.65 = 3.03%: alerted at 3%, not at 3.5%; none at all without a threshold.
        static IEnumerable<GovernanceAlert> Shares(AudienceView view) => view.Alerts.Where(a => a.Kind == ProtectedShareAlert.Kind);
        var low = Service.Project(Case(CardWith("""{ "data-scientist": { "governanceThreshold": 0.03 } }""")), Audiences.DataScientist);
        Assert.Equal(["age", "personal_status"], Shares(low).SelectMany(a => a.Features));
        Assert.Empty(Shares(Service.Project(Case(CardWith("""{ "data-scientist": { "governanceThreshold": null } }""")), Audiences.DataScientist)));
        Assert.Single(Shares(Service.Project(Case(CardWith("""{ "data-scientist": { "governanceThreshold": 0.035 } }""")), Audiences.DataScientist)));
        var exact = AudiencePolicies.DataScientist with { GovernanceThreshold = 0.60 / Total };
        Assert.Empty(Shares(Projector.Run(Case(), exact).View));
    }

    [Fact]
    public void An_alert_about_a_feature_hidden_from_the_audience_counts_it_without_naming_it()
    {
        var policy = AudiencePolicies.Customer with { GovernanceThreshold = 0.05 };
        var view = Projector.Run(Case(), policy).View;
        var alert = Assert.Single(view.Alerts);
        Assert.Empty(alert.Features);
        Assert.Equal(1, alert.WithheldFeatureCount);
        string json = JsonSerializer.Serialize(view);
        Assert.DoesNotContain("\"age\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Age", json, StringComparison.Ordinal);
        Assert.Contains("a protected feature that cannot be named here carries 36.4%", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hidden_feature_among_the_customer_reasons_raises_an_alert_whatever_the_share_threshold()
    {
        // Age dominates against the applicant: the customer view says another factor weighed, so the data scientist is told.
        Assert.True(Service.Project(Case(), Audiences.Customer).HiddenFactorAmongTop);
        var view = Service.Project(Case(CardWith("""{ "data-scientist": { "governanceThreshold": null } }""")), Audiences.DataScientist);
        var alert = Assert.Single(view.Alerts);
        Assert.Equal(HiddenReasonAlert.Kind, alert.Kind);
        Assert.Equal(["age"], alert.Features);
        Assert.Equal(0.60 / Total, alert.Share!.Value, 12);
        Assert.Null(alert.Threshold);
        Assert.Equal("customer policy: hiddenTags = protected, internal; selection = top-by-decision, topK = 4, topLowering = 0", alert.Rule);
        Assert.StartsWith("hidden feature 'Age' (age) is among the customer's principal reasons", alert.Message, StringComparison.Ordinal);
        Assert.Contains(alert.Message, Service.Render(view, "text"), StringComparison.Ordinal);

        // A data scientist who may not see protected features is told that one weighed, not which.
        var blind = Projector.Run(Case(), AudiencePolicies.DataScientist with { HiddenTags = ["protected"], GovernanceThreshold = null }).View;
        var counted = Assert.Single(blind.Alerts);
        Assert.Empty(counted.Features);
        Assert.Equal(1, counted.WithheldFeatureCount);
        Assert.DoesNotContain("Age", counted.Message, StringComparison.Ordinal);

        // No alert when no hidden feature is among the customer's reasons.
        var plain = Projector.Run(TestData.Credit(TestData.NoHiddenOnTop, TestData.AdverseBaseMargin), AudiencePolicies.DataScientist with { GovernanceThreshold = null }).View;
        Assert.Empty(plain.Alerts);
    }

    [Fact]
    public void Waterfall_runs_from_base_value_through_every_shown_value_to_the_output()
    {
        var ctx = Case(residual: 1e-3);
        var view = Service.Project(ctx, Audiences.DataScientist);
        var w = view.Waterfall!;
        var e = ctx.Explanation;
        Assert.Equal("log-odds", w.Unit);
        Assert.Equal(["base", .. view.Items.Select(_ => "item"), "not-shown", "output"], w.Steps.Select(s => s.Kind));
        Assert.Equal(e.Base(0, 0), w.Steps[0].After);
        double running = e.Base(0, 0);
        for (int i = 0; i < view.Items.Count; i++)
        {
            var step = w.Steps[i + 1];
            Assert.Equal(view.Items[i].Label, step.Label);
            Assert.Equal(running, step.Before, 12);
            running += view.Items[i].Value!.Value;
            Assert.Equal(running, step.After, 12);
        }

        Assert.Equal(1e-3, w.Steps[^2].Value, 9);
        Assert.Equal(e.Output(0, 0), w.Steps[^1].After);
        Assert.Equal(w.Steps.Min(s => Math.Min(s.Before, s.After)), w.Min);
        Assert.Equal(w.Steps.Max(s => Math.Max(s.Before, s.After)), w.Max);
        Assert.All(w.Steps, s => Assert.InRange(s.From, 0, s.To));
        Assert.All(w.Steps, s => Assert.InRange(s.To, s.From, 1));

        string text = Service.Render(view, "text");
        Assert.Contains("Waterfall (log-odds)", text, StringComparison.Ordinal);
        Assert.Contains("not shown", text, StringComparison.Ordinal);
        string html = Service.Render(view, "html");
        Assert.Equal(view.Items.Count + 1, html.Split("<rect ").Length - 1);
    }

    [Fact]
    public void No_waterfall_without_the_context_flag_or_when_amounts_are_hidden()
    {
        Assert.Null(Projector.Run(Case(), AudiencePolicies.DataScientist with { Context = ContextBlocks.None }).View.Waterfall);
        Assert.Null(Projector.Run(Case(), AudiencePolicies.DataScientist with { ShowValues = false }).View.Waterfall);
        Assert.Null(Projector.Run(Case(), AudiencePolicies.DataScientist with { ShowBaseValue = false }).View.Waterfall);
        Assert.Null(Service.Project(Case(), Audiences.Customer).Waterfall);
    }

    [Fact]
    public void Html_views_are_self_contained_pages()
    {
        foreach (var audience in new[] { Audiences.DataScientist, Audiences.BusinessManager })
        {
            string html = Service.Render(Service.Project(Case(), audience), "html");
            Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
            Assert.Contains("<svg ", html, StringComparison.Ordinal);
            Assert.Contains("id=\"omissions\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("http:", html, StringComparison.Ordinal);
            Assert.DoesNotContain("https:", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        }

        var ex = Assert.Throws<ArgumentException>(() => Service.Render(Service.Project(Case(), Audiences.Customer), "html"));
        Assert.Contains("audience 'customer' has no html template", ex.Message, StringComparison.Ordinal);
    }
}
