using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Explainability.Core.Explanations;
using Explainability.Views.Policies;
using Explainability.Views.Rendering;
using Scriban.Runtime;

namespace Explainability.Views.Tests;

public partial class RenderingTests
{
    private static readonly ViewService Service = ViewService.CreateDefault();

    public static TheoryData<string, string> AudiencesAndFormats()
    {
        var data = new TheoryData<string, string>();
        foreach (var a in Audiences.All)
        {
            foreach (var f in TemplateRenderer.Formats)
            {
                data.Add(a, f);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AudiencesAndFormats))]
    public void Every_audience_and_format_renders_an_omission_section_with_the_measured_share(string audience, string format)
    {
        var view = Service.Project(TestData.Credit(TestData.AgeDominates), audience);
        string text = Service.Render(view, format);
        Assert.Contains("This explanation leaves out", text, StringComparison.Ordinal);
        Assert.True(text.LastIndexOf("This explanation leaves out", StringComparison.Ordinal) > text.Length / 3, "the omission section comes at the end");
        string share = (view.Omissions.ShareOfAbsPhiNotShown * 100).ToString(audience == Audiences.Customer ? "0" : audience == Audiences.DataScientist ? "0.00" : "0.#", CultureInfo.InvariantCulture) + "%";
        Assert.Contains(share, text, StringComparison.Ordinal);
    }

    [Fact]
    public void DataScientist_text_labels_log_odds_and_says_nothing_is_left_out()
    {
        var ctx = TestData.Credit(TestData.AgeDominates);
        string text = Service.Render(Service.Project(ctx, Audiences.DataScientist), "text");
        Assert.Contains("unit: log-odds", text, StringComparison.Ordinal);
        Assert.Contains("This explanation leaves out nothing", text, StringComparison.Ordinal);
        Assert.Contains("+0.600000  Age [age]", text, StringComparison.Ordinal);
        Assert.Contains("covers = counted from 1000 reference rows", text, StringComparison.Ordinal);
        Assert.Contains("Base value:   -0.850000 log-odds", text, StringComparison.Ordinal);
    }

    [Fact]
    public void C30_manager_text_shows_probability_points_never_log_odds_as_points()
    {
        double Logit(double p) => Math.Log(p / (1 - p));
        double baseMargin = Logit(0.331);
        double phi = Logit(0.524) - baseMargin; // 0.7997 log-odds
        var card = TestData.CreditCard() with { Features = [TestData.Feature("x", "Feature X", group: "Main")] };
        var table = new Core.Data.FeatureTable(["x"], [Core.Data.FeatureValue.Of(2.0)]);
        var ctx = ExplanationContext.Create(TestData.Logistic(["x"], [phi], baseMargin), 0, 0, card, table, null);

        string text = Service.Render(Service.Project(ctx, Audiences.BusinessManager), "text");
        Assert.Contains("+19.3 percentage points  Feature X", text, StringComparison.Ordinal);
        Assert.Contains("52.4%", text, StringComparison.Ordinal);
        Assert.Contains("33.1%", text, StringComparison.Ordinal);
        Assert.Contains("log-odds", text, StringComparison.Ordinal); // states where the points come from
        Assert.DoesNotContain("+0.8", text, StringComparison.Ordinal);
        Assert.DoesNotContain("80 ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    public void Customer_text_names_no_protected_or_internal_feature_and_no_score(string format)
    {
        var ctx = ExplanationContext.Create(
            TestData.Logistic(TestData.Columns, TestData.AgeDominates, -0.85), 0, 0, TestData.CreditCard(), TestData.CaseRow(age: 83), TestData.Background());
        var view = Service.Project(ctx, Audiences.Customer);
        string text = Service.Render(view, format);

        foreach (var f in TestData.CreditCard().Features.Where(f => f["protected"] || f["internal"]))
        {
            Assert.DoesNotContain(f.Name, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(f.DisplayName["en"], text, StringComparison.OrdinalIgnoreCase);
            foreach (var label in f.Categories?.Values ?? [])
            {
                Assert.DoesNotContain(label, text, StringComparison.OrdinalIgnoreCase);
            }
        }

        // The only number a customer sees is the share of weight not listed; no score, probability, threshold or amount.
        var numbers = NumberPattern().Matches(text).Select(m => m.Value).ToList();
        string share = (view.Omissions.ShareOfAbsPhiNotShown * 100).ToString("0", CultureInfo.InvariantCulture);
        Assert.All(numbers, n => Assert.Equal(share, n));
        double p = Link.Logistic(ctx.Explanation.Output(0, 0));
        Assert.DoesNotContain((100 * p).ToString("0.0", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.DoesNotContain("score:", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("probability", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    public void Hidden_factor_sentence_appears_exactly_when_a_hidden_feature_is_among_the_top_reasons(string format)
    {
        const string sentence = "Another factor, which we cannot list here, also weighed toward this outcome.";
        Assert.Contains(sentence, Service.Render(Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer), format), StringComparison.Ordinal);
        Assert.DoesNotContain(sentence, Service.Render(Service.Project(TestData.Credit(TestData.NoHiddenOnTop, TestData.AdverseBaseMargin), Audiences.Customer), format), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    public void Customer_below_the_threshold_reads_the_favourable_outcome_with_the_factors_toward_it_never_the_adverse_one(string format)
    {
        var view = Service.Project(TestData.Credit(TestData.ApprovedAgeDominates), Audiences.Customer);
        string text = Service.Render(view, format);

        Assert.Contains("weighed in favour of the outcome that the application is approved", text, StringComparison.Ordinal);
        Assert.DoesNotContain("declined", text, StringComparison.Ordinal);
        Assert.DoesNotContain("main reasons", text, StringComparison.Ordinal);
        Assert.DoesNotContain("against your application", text, StringComparison.Ordinal);
        foreach (string label in new[] { "Loan duration", "Checking account", "Savings" })
        {
            Assert.Contains(label, text, StringComparison.Ordinal);
        }

        // Credit amount pushed toward "bad": not a factor in favour. Nor is a hint to change what helped the applicant.
        Assert.DoesNotContain("Credit amount", text, StringComparison.Ordinal);
        Assert.DoesNotContain("you may be able to change", text, StringComparison.Ordinal);
        Assert.Contains("Another factor, which we cannot list here, also weighed toward this outcome.", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    public void Customer_at_or_above_the_threshold_reads_the_adverse_outcome_never_the_favourable_one(string format)
    {
        string text = Service.Render(Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer), format);
        Assert.Contains("The main reasons behind the outcome that the application is declined", text, StringComparison.Ordinal);
        Assert.DoesNotContain("approved", text, StringComparison.Ordinal);
        Assert.DoesNotContain("in favour", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    public void Customer_without_outcome_sentences_in_the_card_falls_back_to_a_generic_wording_per_outcome(string format)
    {
        var card = TestData.CreditCard() with { Output = TestData.CreditCard().Output with { PositiveOutcome = "", NegativeOutcome = "" } };
        ExplanationContext Context(double[] phi) =>
            ExplanationContext.Create(TestData.Logistic(TestData.Columns, phi, -0.85), 0, 0, card, TestData.CaseRow(), TestData.Background());

        Assert.Contains("the outcome that the decision is favourable", Service.Render(Service.Project(Context(TestData.ApprovedAgeDominates), Audiences.Customer), format), StringComparison.Ordinal);
        Assert.Contains("the outcome that the decision is unfavourable", Service.Render(Service.Project(Context(TestData.AgeDominates), Audiences.Customer), format), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    public void Customer_text_states_the_outcome_the_score_gives_and_the_hidden_factor_sentence_exactly_when_flagged_for_random_explanations(string format)
    {
        const string sentence = "Another factor, which we cannot list here, also weighed toward this outcome.";
        var rng = new Random(12);
        int favourable = 0, adverse = 0, flagged = 0;
        for (int n = 0; n < 200; n++)
        {
            // The hidden features (age, sex, bureau score: the last three) are often weak, so that both texts occur.
            double[] phi = [.. TestData.Columns.Select((_, f) => Math.Round((rng.NextDouble() - 0.5) * (f >= 4 && rng.Next(3) > 0 ? 0.1 : 2), 3))];
            var ctx = TestData.Credit(phi, baseMargin: (rng.NextDouble() - 0.5) * 3);
            bool declined = Link.Logistic(ctx.Explanation.Output(0, 0)) >= 0.5;
            var view = Service.Project(ctx, Audiences.Customer);
            string text = Service.Render(view, format);

            Assert.Equal(declined, text.Contains("the application is declined", StringComparison.Ordinal));
            Assert.Equal(!declined, text.Contains("the application is approved", StringComparison.Ordinal));
            Assert.All(view.Items, i => Assert.Equal(declined ? "raises" : "lowers", i.Direction));
            string expected = view.HiddenFactorsAmongTop > 1
                ? $"{view.HiddenFactorsAmongTop} other factors, which we cannot list here, also weighed toward this outcome."
                : sentence;
            Assert.Equal(view.HiddenFactorAmongTop, view.HiddenFactorsAmongTop > 0);
            Assert.Equal(view.HiddenFactorAmongTop, text.Contains(expected, StringComparison.Ordinal));
            adverse += declined ? 1 : 0;
            favourable += declined ? 0 : 1;
            flagged += view.HiddenFactorAmongTop ? 1 : 0;
        }

        Assert.True(favourable > 40 && adverse > 40 && flagged > 20 && flagged < 180, $"{favourable} favourable, {adverse} adverse, {flagged} flagged");
    }

    [Fact]
    public void Customer_reasons_are_listed_with_plain_language_and_actionable_hints()
    {
        string text = Service.Render(Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer), "text");
        Assert.Contains("the outcome that the application is declined", text, StringComparison.Ordinal);
        Assert.Contains("- Loan duration: How long the loan runs. This is something you may be able to change.", text, StringComparison.Ordinal);
        Assert.Contains("- Checking account.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Fraud_text_shows_case_values_and_percentiles()
    {
        string text = Service.Render(Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.FraudAnalyst), "text");
        Assert.Contains("Checking account = overdrawn, shared by 25% of the background", text, StringComparison.Ordinal);
        Assert.Contains("Savings = 125.5 DM, percentile 11 of the background", text, StringComparison.Ordinal);
        Assert.Contains("Score: 52.5% probability of bad credit risk (threshold 50%)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_format_is_rejected_naming_the_allowed_values()
    {
        var view = Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer);
        var ex = Assert.Throws<ArgumentException>(() => Service.Render(view, "html"));
        Assert.Contains("text", ex.Message, StringComparison.Ordinal);
        Assert.Contains("md", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Templates_are_copied_beside_the_binaries()
    {
        string dir = TemplateRenderer.FindTemplatesDirectory(AppContext.BaseDirectory);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "templates"), dir);
        foreach (var a in Audiences.All)
        {
            foreach (var f in TemplateRenderer.Formats)
            {
                Assert.True(File.Exists(Path.Combine(dir, a, $"explanation.{f}.scriban")), $"{a}/explanation.{f}.scriban");
            }
        }
    }

    [Fact]
    public void Template_script_object_holds_only_the_view_properties()
    {
        var view = Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.DataScientist);
        var obj = ViewScriptObject.From(view);
        var expected = typeof(AudienceView).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(StandardMemberRenamer.Rename).Order(StringComparer.Ordinal);
        Assert.Equal(expected, obj.Keys.Order(StringComparer.Ordinal));
        var items = Assert.IsType<ScriptArray>(obj["items"]);
        Assert.IsType<ScriptObject>(items[0]);
        Assert.Equal("log-odds", obj["unit"]);
    }

    [Fact]
    public void A_template_cannot_reach_anything_but_the_view()
    {
        string dir = Path.Combine(Path.GetTempPath(), "views-templates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, Audiences.Customer));
        try
        {
            File.WriteAllText(Path.Combine(dir, Audiences.Customer, "explanation.text.scriban"), "{{ explanation.shap_values }}");
            File.WriteAllText(Path.Combine(dir, Audiences.Customer, "probe.text.scriban"), "{{ items[0].value }}|{{ model_output }}|{{ items[0].get_type }}");
            var renderer = new TemplateRenderer(dir);
            var view = Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer);

            var ex = Assert.Throws<InvalidOperationException>(() => renderer.Render(view, "text"));
            Assert.Contains("explanation", ex.Message, StringComparison.Ordinal);
            var probe = Assert.Throws<InvalidOperationException>(() => renderer.Render(view, "text", "probe"));
            Assert.Contains("get_type", probe.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The built-in functions are shared by every render, so a template that tries to change one must fail and
    /// leave them as they were for the next.</summary>
    [Fact]
    public void A_template_cannot_change_the_shared_builtins_for_the_next_render()
    {
        string dir = Path.Combine(Path.GetTempPath(), "views-templates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, Audiences.Customer));
        try
        {
            File.WriteAllText(Path.Combine(dir, Audiences.Customer, "tamper.text.scriban"), "{{ math.format = 1 }}");
            File.WriteAllText(Path.Combine(dir, Audiences.Customer, "tamper2.text.scriban"), "{{ string.pi = 3 }}");
            File.WriteAllText(Path.Combine(dir, Audiences.Customer, "use.text.scriban"), "{{ 0.5 | math.format \"0.00\" }}");
            File.WriteAllText(Path.Combine(dir, Audiences.Customer, "probe.text.scriban"), "{{ string.pi }}");
            var renderer = new TemplateRenderer(dir);
            var view = Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer);

            Assert.Throws<InvalidOperationException>(() => renderer.Render(view, "text", "tamper"));
            Assert.Throws<InvalidOperationException>(() => renderer.Render(view, "text", "tamper2"));
            Assert.Equal("0.50", renderer.Render(view, "text", "use"));
            var probe = Assert.Throws<InvalidOperationException>(() => renderer.Render(view, "text", "probe"));
            Assert.Contains("pi", probe.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Requested_language_falls_back_to_the_English_template()
    {
        var view = Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.DataScientist, "nl");
        string text = Service.Render(view, "text");
        Assert.Contains("Loan duration (nl)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Policies_given_to_the_service_replace_the_defaults()
    {
        var service = new ViewService(Service.Renderer, new Dictionary<string, AudiencePolicy>
        {
            [Audiences.BusinessManager] = AudiencePolicies.BusinessManager with { TopK = 1 },
        });
        Assert.Single(service.Project(TestData.Credit(TestData.AgeDominates), Audiences.BusinessManager).Items);
        Assert.Throws<ArgumentException>(() => new ViewService(Service.Renderer, new Dictionary<string, AudiencePolicy>
        {
            [Audiences.Customer] = AudiencePolicies.BusinessManager,
        }));
    }

    [Fact]
    public void Rendered_text_lists_every_shown_item_with_its_value_for_random_explanations()
    {
        var rng = new Random(11);
        for (int n = 0; n < 60; n++)
        {
            double[] phi = [.. TestData.Columns.Select(_ => Math.Round((rng.NextDouble() - 0.5) * 2, 3))];
            var ctx = TestData.Credit(phi, baseMargin: (rng.NextDouble() - 0.5) * 4);
            foreach (var audience in Audiences.All)
            {
                var view = Service.Project(ctx, audience);
                foreach (var format in TemplateRenderer.Formats)
                {
                    string text = Service.Render(view, format);
                    foreach (var item in view.Items.Where(i => i.Direction != "none"))
                    {
                        Assert.Contains(item.Label, text, StringComparison.Ordinal);
                        if (audience is Audiences.BusinessManager or Audiences.FraudAnalyst)
                        {
                            Assert.Contains(item.Value!.Value.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
                        }
                    }

                    Assert.Contains("This explanation leaves out", text, StringComparison.Ordinal);
                }
            }
        }
    }

    [GeneratedRegex(@"\d+(?:[.,]\d+)?")]
    private static partial Regex NumberPattern();
    [Theory]
    [InlineData("en", "text", "3 other factors, which we cannot list here, also weighed toward this outcome.", "Another factor, which we cannot list here, also weighed toward this outcome.")]
    [InlineData("en", "md", "3 other factors, which we cannot list here, also weighed toward this outcome.", "Another factor, which we cannot list here, also weighed toward this outcome.")]
    [InlineData("nl", "text", "3 andere factoren, die we hier niet kunnen noemen, droegen ook bij aan deze uitkomst.", "Een andere factor, die we hier niet kunnen noemen, droeg ook bij aan deze uitkomst.")]
    [InlineData("nl", "md", "3 andere factoren, die we hier niet kunnen noemen, droegen ook bij aan deze uitkomst.", "Een andere factor, die we hier niet kunnen noemen, droeg ook bij aan deze uitkomst.")]
    public void Customer_says_how_many_factors_it_cannot_list_weighed_without_naming_them(string language, string format, string several, string one)
    {
        var service = ViewService.CreateDefault();
        // Age (0.60), bureau score (0.50) and sex (0.40) are the three strongest reasons toward "bad", all hidden; duration is fourth.
        double[] threeHidden = [0.30, 0.10, 0.25, -0.20, 0.60, 0.40, 0.50];
        var view = service.Project(TestData.Credit(threeHidden), Audiences.Customer, language);
        Assert.Equal(3, view.HiddenFactorsAmongTop);
        string text = service.Render(view, format);
        Assert.Contains(several, text, StringComparison.Ordinal);
        Assert.DoesNotContain(one, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Age", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bureau", text, StringComparison.OrdinalIgnoreCase);

        var single = service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer, language);
        Assert.Equal(1, single.HiddenFactorsAmongTop);
        Assert.Contains(one, service.Render(single, format), StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("en", "text")]
    [InlineData("en", "md")]
    [InlineData("nl", "text")]
    [InlineData("nl", "md")]
    public void With_top_k_zero_the_customer_view_says_reasons_are_not_shown_by_policy_not_that_there_are_none(string language, string format)
    {
        var card = TestData.CreditCard() with
        {
            Policies = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>("""{ "customer": { "topK": 0 } }"""),
        };
        var ctx = ExplanationContext.Create(TestData.Logistic(TestData.Columns, TestData.NoHiddenOnTop, TestData.AdverseBaseMargin), 0, 0, card, TestData.CaseRow(), TestData.Background());
        var view = Service.Project(ctx, Audiences.Customer, language);
        Assert.Empty(view.TowardOutcome);
        Assert.True(view.TowardOutcomeLeftOut);
        string text = Service.Render(view, format);
        Assert.Contains(language == "nl" ? "niet getoond (beleid)" : "not shown (policy)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("None of the factors", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Geen van de factoren", text, StringComparison.Ordinal);
        // Its omission line says the reasons are withheld by policy, not that "other, smaller factors" were left out.
        Assert.Contains(language == "nl" ? "de factoren waarop dit besluit rust: volgens ons beleid noemt deze uitleg ze niet" : "the factors this decision rests on: by policy, this explanation does not list them", text, StringComparison.Ordinal);
        Assert.DoesNotContain(language == "nl" ? "kleinere factoren" : "smaller factors", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    public void With_top_k_zero_the_fraud_view_says_signals_are_not_shown_by_policy_not_none(string format)
    {
        var card = TestData.CreditCard() with
        {
            Policies = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>("""{ "fraud-analyst": { "topK": 0, "topLowering": 0 } }"""),
        };
        var view = Service.Project(TestData.Credit(TestData.AgeDominates) with { Card = card }, Audiences.FraudAnalyst);
        Assert.Empty(view.Items);
        Assert.True(view.RaisingLeftOut && view.LoweringLeftOut);
        string text = Service.Render(view, format);
        Assert.Equal(2, Regex.Count(text, Regex.Escape("not shown (policy)")));
        Assert.DoesNotMatch(@"(?m)^\s*none$", text);

        // Where nothing pushes that way at all, "none" is the truth.
        double[] allRaise = [0.30, 0.10, 0.25, 0.20, 0.60, 0.05, 0.15];
        var raising = Service.Project(TestData.Credit(allRaise), Audiences.FraudAnalyst);
        Assert.False(raising.LoweringLeftOut);
        Assert.Contains(format == "md" ? "| none |" : "  none", Service.Render(raising, format), StringComparison.Ordinal);
    }
    [Fact]
    public void Markdown_escapes_card_text_so_a_display_name_or_reason_cannot_inject_markup()
    {
        const string Evil = "<script>alert(1)</script> & <b>";
        var card = TestData.CreditCard();
        card = card with
        {
            Description = Evil,
            Features = [.. card.Features.Select(f => f with
            {
                DisplayName = new Dictionary<string, string> { ["en"] = Evil + f.Name, ["nl"] = Evil + f.Name },
                Reason = new Dictionary<string, string> { ["en"] = Evil + " reason", ["nl"] = Evil + " reden" },
            })],
        };
        foreach (string audience in Audiences.All)
        {
            foreach (string language in (string[])["en", "nl"])
            {
                var view = Service.Project(TestData.Credit(TestData.AgeDominates) with { Card = card }, audience, language);
                string md = Service.Render(view, "md");
                Assert.DoesNotContain("<script", md, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("<b>", md, StringComparison.Ordinal);
                Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;", md, StringComparison.Ordinal);
                // Text output is for terminals and letters: shown as written.
                Assert.Contains(Evil, Service.Render(view, "text"), StringComparison.Ordinal);
            }
        }
    }
}
