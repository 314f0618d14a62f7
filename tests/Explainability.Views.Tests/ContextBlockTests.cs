using Explainability.Core.Data;
using Explainability.Views.Context;
using Explainability.Views.ModelCards;

namespace Explainability.Views.Tests;

public class ContextBlockTests
{
    private static readonly ViewService Service = ViewService.CreateDefault();

    private static ExplanationContext WithSuggestions(ExplanationContext context, bool exhausted = false, params IReadOnlyList<CounterfactualChange>[] suggestions) =>
        context with { Counterfactuals = new CounterfactualFindings(suggestions, exhausted, 42, 0) };

    private static readonly CounterfactualChange Duration = new("duration", FeatureValue.Of(48), FeatureValue.Of(24));
    private static readonly CounterfactualChange Checking = new("checking_status", FeatureValue.Of("A11"), FeatureValue.Of("A14"));
    private static readonly CounterfactualChange Age = new("age", FeatureValue.Of(67), FeatureValue.Of(30));

    [Fact]
    public void Customer_sees_verified_suggestions_in_its_words_and_never_one_that_touches_a_hidden_feature()
    {
        var context = WithSuggestions(TestData.Credit(TestData.AgeDominates), false, [Duration], [Age], [Checking, Duration], [Duration, Age]);

        var view = Service.Project(context, Audiences.Customer);
        string text = Service.Render(view, "text");

        Assert.NotNull(view.Counterfactuals);
        Assert.Equal(
            [["Loan duration: 48 months -> 24 months"], ["Checking account: overdrawn -> no account", "Loan duration: 48 months -> 24 months"]],
            view.Counterfactuals.Suggestions.Select(s => s.Changes.Select(c => $"{c.Label}: {c.From} -> {c.To}").ToArray()).ToArray());
        Assert.Contains("  - Loan duration from \"48 months\" to \"24 months\".", text, StringComparison.Ordinal);
        Assert.Contains("  - Checking account from \"overdrawn\" to \"no account\", together with Loan duration from \"48 months\" to \"24 months\".", text, StringComparison.Ordinal);
        Assert.DoesNotContain("30 years", text, StringComparison.Ordinal);
        Assert.DoesNotContain("67", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "We found no change of one or two of the things you can influence that would change the decision, within the number of alternatives we try.")]
    [InlineData("nl", "We hebben geen wijziging van één of twee zaken die u kunt beïnvloeden gevonden die het besluit zou veranderen, binnen het aantal alternatieven dat we proberen.")]
    public void No_suggestion_within_the_budget_is_said_honestly_in_the_request_language(string language, string sentence)
    {
        var context = WithSuggestions(TestData.Credit(TestData.AgeDominates), true);

        foreach (string format in new[] { "text", "md" })
        {
            Assert.Contains(sentence, Service.Render(Service.Project(context, Audiences.Customer, language), format), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("en", "None of the factors this decision rests on is one we can suggest you change, so we have no change to suggest.")]
    [InlineData("nl", "Geen van de factoren waarop dit besluit rust, is er een waarvan we u een wijziging kunnen voorstellen; we hebben dus geen wijziging voor te stellen.")]
    public void Nothing_to_change_is_not_read_as_no_change_helps(string language, string sentence)
    {
        var context = TestData.Credit(TestData.AgeDominates) with { Counterfactuals = new CounterfactualFindings([], false, 1, 0, CandidateCount: 0) };

        string text = Service.Render(Service.Project(context, Audiences.Customer, language), "text");

        Assert.Contains(sentence, text, StringComparison.Ordinal);
        Assert.DoesNotContain("We found no change", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_search_the_views_have_no_counterfactual_block_and_other_audiences_never_get_one()
    {
        var searched = WithSuggestions(TestData.Credit(TestData.AgeDominates), false, [Duration]);

        Assert.Null(Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer).Counterfactuals);
        Assert.DoesNotContain("What could change", Service.Render(Service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer), "text"), StringComparison.Ordinal);
        foreach (string audience in new[] { Audiences.DataScientist, Audiences.BusinessManager, Audiences.FraudAnalyst })
        {
            Assert.Null(Service.Project(searched, audience).Counterfactuals);
        }
    }

    [Fact]
    public void Dutch_customer_view_uses_the_Dutch_template_names_reasons_and_the_hidden_factor_sentence()
    {
        var card = TestData.CreditCard();
        card = card with
        {
            Features =
            [
                .. card.Features.Select(f => f.Name == "duration"
                    ? f with
                    {
                        Reason = new Dictionary<string, string> { ["en"] = "The duration you asked for", ["nl"] = "De looptijd die u vroeg" },
                        Translations = new Dictionary<string, FeatureTranslation> { ["nl"] = new() { Unit = "maanden" } },
                    }
                    : f),
            ],
        };
        var context = ExplanationContext.Create(TestData.Logistic(TestData.Columns, TestData.AgeDominates, -0.85), 0, 0, card, TestData.CaseRow(), TestData.Background());
        context = WithSuggestions(context, false, [Duration]);

        string nl = Service.Render(Service.Project(context, Audiences.Customer, "nl"), "text");
        string en = Service.Render(Service.Project(context, Audiences.Customer, "en"), "text");

        Assert.StartsWith("Waarom we tot dit besluit kwamen", nl, StringComparison.Ordinal);
        Assert.Contains("  - De looptijd die u vroeg. Dit kunt u mogelijk zelf veranderen.", nl, StringComparison.Ordinal);
        Assert.Contains("  - Een andere factor, die we hier niet kunnen noemen, droeg ook bij aan deze uitkomst.", nl, StringComparison.Ordinal);
        Assert.Contains("  - Loan duration (nl) van \"48 maanden\" naar \"24 maanden\".", nl, StringComparison.Ordinal);
        Assert.Contains("Deze uitleg laat weg:", nl, StringComparison.Ordinal);
        Assert.Contains("  - The duration you asked for. This is something you may be able to change.", en, StringComparison.Ordinal);
        Assert.Contains("  - Loan duration from \"48 months\" to \"24 months\".", en, StringComparison.Ordinal);
    }

    [Fact]
    public void Fraud_analyst_sees_the_band_of_the_score_and_the_similar_cases_in_rank_order()
    {
        var card = TestData.CreditCard();
        card = card with { Output = card.Output with { Bands = [new() { Name = "low", LowerBound = 0 }, new() { Name = "high", LowerBound = 0.6 }] } };
        // Margin -0.85 + 0.95 = 0.10: probability 0.525, band low; 0.40 more phi on duration gives 0.50 -> 0.622, band high.
        ExplanationContext Context(double duration) =>
            ExplanationContext.Create(TestData.Logistic(TestData.Columns, [duration, 0.10, 0.25, -0.20, 0.60, 0.05, -0.15], -0.85), 0, 0, card, TestData.CaseRow(), TestData.Background())
            with
            { SimilarCases = [new(17, "bad", 0.25), new(3, "good", 0.5)] };

        var low = Service.Project(Context(0.30), Audiences.FraudAnalyst);
        var high = Service.Project(Context(0.70), Audiences.FraudAnalyst);
        string text = Service.Render(high, "text");

        Assert.Equal("low", low.RiskBand);
        Assert.Equal("high", high.RiskBand);
        Assert.Equal([(1, 17, "bad"), (2, 3, "good")], high.SimilarCases!.Select(s => (s.Rank, s.ReferenceRow, s.Outcome)));
        Assert.Contains("band: high", text, StringComparison.Ordinal);
        Assert.Contains("  1. reference row 17: bad (distance 0.25)", text, StringComparison.Ordinal);
        Assert.Contains("  2. reference row 3: good (distance 0.50)", text, StringComparison.Ordinal);
        Assert.Null(Service.Project(Context(0.70), Audiences.Customer).SimilarCases);
        Assert.Null(Service.Project(Context(0.70), Audiences.Customer).RiskBand);
    }

    [Theory]
    [InlineData("""[ { "name": "low", "lowerBound": 0.1 } ]""", "bands[0]")]
    [InlineData("""[ { "name": "low", "lowerBound": 0 }, { "name": "high", "lowerBound": 0 } ]""", "bands[1]")]
    [InlineData("""[ { "name": "low", "lowerBound": 0 }, { "name": "high", "lowerBound": 1 } ]""", "bands[1]")]
    public void Bands_that_do_not_start_at_0_and_increase_below_1_are_rejected_naming_the_band(string bands, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), "model-card-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, $$"""
            {
              "id": "m", "version": "1",
              "features": [ { "name": "x", "displayName": { "en": "X" }, "type": "numeric" } ],
              "output": { "classes": ["no", "yes"], "bands": {{bands}} }
            }
            """);
        try
        {
            Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => ModelCardReader.Read(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Shipped_cards_name_bands_and_a_reference_set_whose_labels_are_classes()
    {
        foreach (string id in new[] { "credit-risk", "card-fraud" })
        {
            var card = ModelCardReader.Read(Path.Combine(RepoModels(), id, "model-card.json"));
            Assert.Equal(["low", "medium", "high"], card.Output.Bands.Select(b => b.Name));
            Assert.Equal("high", card.Output.BandOf(card.Output.DecisionThreshold));
            Assert.Equal("low", card.Output.BandOf(0));
            Assert.NotNull(card.Reference);
            Assert.Equal(card.Output.Classes.Order(StringComparer.Ordinal), card.Reference.Labels.Values.Order(StringComparer.Ordinal));
        }
    }

    private static string RepoModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "models", "credit-risk")))
            {
                return Path.Combine(dir.FullName, "models");
            }
        }

        throw new DirectoryNotFoundException("no models folder above the test binaries");
    }
}
