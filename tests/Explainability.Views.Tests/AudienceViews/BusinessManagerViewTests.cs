using System.Text.Json;
using Explainability.Views.ModelCards;
using Explainability.Views.Policies;
using Explainability.Views.Projection;

namespace Explainability.Views.Tests.AudienceViews;

/// <summary>The business-manager view: top drivers in probability points with the rescaling stated, and the portfolio picture.</summary>
public class BusinessManagerViewTests
{
    private static readonly ViewService Service = ViewService.CreateDefault();

    /// <summary>Two reference rows with hand-chosen phi and per-row factors 10 and 20 (points per log-odds).</summary>
    private static ReferenceAttributions Reference() => new()
    {
        RowCount = 2,
        FeatureNames = TestData.Columns,
        //      duration credit checking savings age  personal bureau
        Phi = [0.1, 0.2, -0.3, 0.1, 0.5, -0.1, 0.2,
               -0.2, 0.1, 0.1, 0.1, -0.4, 0.2, 0.0],
        ProbabilityScale = [10, 20],
        Method = "tree_path_dependent",
        Source = "2 test rows",
    };

    private static ExplanationContext Case(ModelCard? card = null) => ExplanationContext.Create(
        TestData.Logistic(TestData.Columns, TestData.AgeDominates, -0.85), 0, 0, card ?? TestData.CreditCard(), TestData.CaseRow(), TestData.Background())
        with
    { Reference = Reference() };

    private static ModelCard CardWith(string policiesJson) => TestData.CreditCard() with
    {
        Policies = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(policiesJson),
    };

    [Fact]
    public void Global_importance_is_the_mean_absolute_group_sum_in_points_rescaled_row_by_row()
    {
        var g = Service.Project(Case(), Audiences.BusinessManager).GlobalImportance!;
        // Loan: |0.1+0.2|*10 = 3, |-0.2+0.1|*20 = 2 -> 2.5; Finances: 2, 4 -> 3; Personal: 4, 4 -> 4; bureau alone: 2, 0 -> 1.
        Assert.Equal(["group:Personal", "group:Finances", "group:Loan", "bureau_score"], g.Items.Select(i => i.Key));
        Assert.Equal([4, 3, 2.5, 1], g.Items.Select(i => Math.Round(i.Value, 12)));
        Assert.Equal([1, 0.75, 0.625, 0.25], g.Items.Select(i => Math.Round(i.Fraction, 12)));
        Assert.Equal("Internal bureau score", g.Items[^1].Label);
        Assert.Equal(["checking_status", "savings"], g.Items[1].Features);
        Assert.Equal("percentage points", g.Unit);
        Assert.Equal(2, g.RowCount);
        Assert.Equal(0, g.WithheldFeatureCount);
        Assert.Equal(new string('\u2588', 30), g.Items[0].Bar);
        // 30 * 0.75 = 22.5 characters: 22 full blocks and a half block; 30 * 0.625 = 18.75: 18 and six eighths.
        Assert.Equal(new string('\u2588', 22) + "\u258C", g.Items[1].Bar);
        Assert.Equal(new string('\u2588', 18) + "\u258A", g.Items[2].Bar);
        Assert.Contains("mean |SHAP| over 2 test rows (tree_path_dependent)", g.Method, StringComparison.Ordinal);
        Assert.Contains("rescaled into percentage points by that row's own proportional factor", g.Method, StringComparison.Ordinal);
    }

    [Fact]
    public void Global_importance_follows_the_policy_scale_grouping_and_hidden_tags()
    {
        var margin = Service.Project(Case(CardWith("""{ "business-manager": { "scale": "margin", "groupByFeatureGroup": false } }""")), Audiences.BusinessManager).GlobalImportance!;
        Assert.Equal("log-odds", margin.Unit);
        Assert.Equal(0.45, margin.Items.Single(i => i.Key == "age").Value, 12);
        Assert.Equal(0.15, margin.Items.Single(i => i.Key == "personal_status").Value, 12);
        Assert.Equal(7, margin.Items.Count);

        var hidden = Service.Project(Case(CardWith("""{ "business-manager": { "hiddenTags": ["protected"] } }""")), Audiences.BusinessManager);
        var picture = hidden.GlobalImportance!;
        Assert.DoesNotContain(picture.Items, i => i.Features.Contains("age") || i.Features.Contains("personal_status"));
        Assert.Equal(2, picture.WithheldFeatureCount);
        string text = Service.Render(hidden, "text");
        Assert.Contains("2 features that may not be shown to this audience are left out of this picture", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Personal", text, StringComparison.Ordinal);

        Assert.Null(Service.Project(Case(CardWith("""{ "business-manager": { "context": [] } }""")), Audiences.BusinessManager).GlobalImportance);
        Assert.Null(Service.Project(Case() with { Reference = null }, Audiences.BusinessManager).GlobalImportance);
        Assert.Null(Service.Project(Case(), Audiences.Customer).GlobalImportance);
    }

    [Fact]
    public void Rendered_view_states_the_rescaling_in_words_and_draws_the_portfolio_bars()
    {
        var view = Service.Project(Case(), Audiences.BusinessManager);
        foreach (string format in new[] { "text", "md" })
        {
            string text = Service.Render(view, format);
            Assert.Contains("These are rescaled shares of that difference, not the change in the score that changing", text, StringComparison.Ordinal);
            Assert.Contains("The model overall", text, StringComparison.Ordinal);
            Assert.Contains(new string('\u2588', 30), text, StringComparison.Ordinal);
            Assert.Contains("average influence by area over 2 background rows", text, StringComparison.OrdinalIgnoreCase);
        }

        string html = Service.Render(view, "html");
        Assert.Contains("<svg id=\"global-importance\"", html, StringComparison.Ordinal);
        Assert.Contains("width=\"280\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"rescaled\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_attributions_from_an_explanation_use_the_views_own_rescaling_factor_per_row()
    {
        var e = TestData.Logistic(TestData.Columns, TestData.AgeDominates, -0.85);
        var reference = ReferenceAttributions.From(e, 0, "one row");
        var view = Projector.Run(ExplanationContext.Create(e, 0, 0, TestData.CreditCard(), TestData.CaseRow(), null), AudiencePolicies.BusinessManager with { Decimals = null });
        var scale = view.Record.Entries.Single(x => x.Kind == Omissions.OmissionKind.ScaleChanged).ScaleFactor!.Value;
        Assert.Equal(scale, reference.ProbabilityScale[0], 12);
        Assert.Equal(TestData.AgeDominates, reference.Phi);
    }
    /// <summary>In margin space the score is in log-odds: "7.0 log-odds", a space before the unit; a percentage stays
    /// attached ("7.0%").</summary>
    [Fact]
    public void The_score_unit_is_spaced_unless_it_is_a_percent_sign()
    {
        var margin = Service.Project(Case(CardWith("""{ "business-manager": { "scale": "margin", "showBaseValue": true } }""")), Audiences.BusinessManager);
        var probability = Service.Project(Case(CardWith("""{ "business-manager": { "showBaseValue": true } }""")), Audiences.BusinessManager);

        Assert.Equal(("log-odds", " log-odds"), (margin.ScoreUnit, margin.ScoreSuffix));
        Assert.Equal(("%", "%"), (probability.ScoreUnit, probability.ScoreSuffix));
        string format = margin.NumberFormat;
        foreach (string f in (string[])["text", "md", "html"])
        {
            string text = Service.Render(margin, f);
            Assert.Contains(margin.ModelOutput!.Value.ToString(format, System.Globalization.CultureInfo.InvariantCulture) + " log-odds", text, StringComparison.Ordinal);
            Assert.DoesNotContain(margin.ModelOutput!.Value.ToString(format, System.Globalization.CultureInfo.InvariantCulture) + "log-odds", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(Audiences.BusinessManager, 0)]
    [InlineData(Audiences.BusinessManager, 4)]
    [InlineData(Audiences.FraudAnalyst, 0)]
    [InlineData(Audiences.FraudAnalyst, 4)]
    public void Templates_print_values_and_score_with_the_policy_decimals_the_record_states(string audience, int decimals)
    {
        var card = CardWith($$"""{ "{{audience}}": { "decimals": {{decimals}}, "showBaseValue": true } }""");
        var view = Service.Project(Case(card), audience);
        Assert.Equal(decimals, view.Decimals);
        Assert.Contains(view.Omissions.Entries, e => e.Kind == Omissions.OmissionKind.Rounded && e.Rule == $"decimals = {decimals}");
        string format = decimals == 0 ? "0" : "0." + new string('0', decimals);
        foreach (string f in (string[])["text", "md"])
        {
            string text = Service.Render(view, f);
            foreach (var item in view.Items)
            {
                string printed = item.Value!.Value.ToString("+" + format + ";-" + format + ";" + format, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Contains(printed + " ", text, StringComparison.Ordinal);
            }

            Assert.Contains(view.ModelOutput!.Value.ToString(format, System.Globalization.CultureInfo.InvariantCulture) + view.ScoreSuffix, text, StringComparison.Ordinal);
            // No value is printed with a different number of decimals than the record states.
            var signed = System.Text.RegularExpressions.Regex.Matches(text, @"(?<![\w.])[+-]\d+(\.\d+)?(?= )");
            Assert.NotEmpty(signed);
            Assert.All(signed, m => Assert.Equal(decimals, m.Groups[1].Success ? m.Groups[1].Value.Length - 1 : 0));
        }
    }
    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    [InlineData("html")]
    public void The_base_value_is_named_for_what_it_is_and_the_portfolio_for_the_rows_it_averages(string format)
    {
        var view = Service.Project(Case(), Audiences.BusinessManager);
        string text = Service.Render(view, format);
        string baseValue = view.BaseValue!.Value.ToString(view.NumberFormat, System.Globalization.CultureInfo.InvariantCulture);
        // logistic(-0.85) = 29.9%: the probability at the average log-odds, which is not the average predicted probability.
        Assert.Equal("29.9", baseValue);
        Assert.Contains($"against the model's base value, {baseValue}%", text, StringComparison.Ordinal);
        Assert.Contains("the probability at the average log-odds over the background rows, not the average predicted probability", text, StringComparison.Ordinal);
        Assert.DoesNotContain("typical case", text, StringComparison.Ordinal);
        Assert.DoesNotContain("reference cases", text, StringComparison.Ordinal);
        Assert.Contains("over 2 background rows", text, StringComparison.Ordinal);
    }
}
