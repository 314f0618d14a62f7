using System.Text.Json;
using Explainability.Views.ModelCards;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Tests.Policies;

/// <summary>Per-model policy overrides in the model card: partial, applied wherever a view of the model is projected.</summary>
public class CardOverrideTests
{
    private static readonly ViewService Service = ViewService.CreateDefault();

    private static ModelCard CardWith(string policiesJson) => TestData.CreditCard() with
    {
        Policies = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(policiesJson),
    };

    private static ExplanationContext Context(ModelCard card) => ExplanationContext.Create(
        TestData.Logistic(TestData.Columns, TestData.AgeDominates, -0.85), 0, 0, card, TestData.CaseRow(), TestData.Background());

    [Fact]
    public void Override_replaces_only_the_settings_it_names_for_only_its_audience()
    {
        var card = CardWith("""{ "business-manager": { "topK": 2, "decimals": 3 } }""");
        var policy = Service.PolicyFor(Audiences.BusinessManager, card);
        Assert.Equal(2, policy.TopK);
        Assert.Equal(3, policy.Decimals);
        Assert.Equal(
            JsonSerializer.Serialize(AudiencePolicies.BusinessManager),
            JsonSerializer.Serialize(policy with { TopK = AudiencePolicies.BusinessManager.TopK, Decimals = AudiencePolicies.BusinessManager.Decimals }));
        foreach (var other in Audiences.All.Where(a => a != Audiences.BusinessManager))
        {
            Assert.Equal(JsonSerializer.Serialize(AudiencePolicies.For(other)), JsonSerializer.Serialize(Service.PolicyFor(other, card)));
        }
    }

    [Fact]
    public void A_change_of_policy_changes_the_view_and_its_omission_record_never_the_explanation()
    {
        var plain = Context(TestData.CreditCard());
        var overridden = Context(CardWith("""{ "business-manager": { "topK": 1, "groupByFeatureGroup": false, "hiddenTags": ["protected"] } }"""));
        string explanationBefore = JsonSerializer.Serialize(overridden.Explanation);

        var a = Service.ProjectWithRecord(plain, Audiences.BusinessManager);
        var b = Service.ProjectWithRecord(overridden, Audiences.BusinessManager);

        // The explanation is the same object content before and after, and the same as the plain one's.
        Assert.Equal(explanationBefore, JsonSerializer.Serialize(overridden.Explanation));
        Assert.Equal(JsonSerializer.Serialize(plain.Explanation), JsonSerializer.Serialize(overridden.Explanation));

        // The view and its record follow the override: one ungrouped item, the protected features hidden and recorded.
        Assert.Equal(["bureau_score", "group:Finances", "group:Loan", "group:Personal"], a.View.Items.Select(i => i.Key).Order(StringComparer.Ordinal));
        var item = Assert.Single(b.View.Items);
        Assert.Equal("duration", item.Key);
        Assert.Contains(b.Record.Entries, e => e.Kind == OmissionKind.HiddenTagged && e.Rule == "hiddenTags = protected" && e.Features.SequenceEqual(["age", "personal_status"]));
        Assert.DoesNotContain(a.Record.Entries, e => e.Kind == OmissionKind.HiddenTagged);
        Assert.Contains(b.Record.Entries, e => e.Kind == OmissionKind.NotInTopK && e.Rule == "selection = top-by-magnitude, topK = 1");
        Assert.NotEqual(a.Record.ShareOfAbsPhiNotShown, b.Record.ShareOfAbsPhiNotShown);
        // Measured on the same explanation: shown |phi| of duration over the total.
        double total = TestData.AgeDominates.Sum(Math.Abs);
        Assert.Equal(1 - (0.30 / total), b.Record.ShareOfAbsPhiNotShown, 12);
    }

    [Fact]
    public void The_request_language_wins_over_the_card_language()
    {
        var card = CardWith("""{ "data-scientist": { "language": "nl" } }""");
        Assert.Equal("nl", Service.Project(Context(card), Audiences.DataScientist).Language);
        Assert.Equal("en", Service.Project(Context(card), Audiences.DataScientist, "en").Language);
        Assert.Contains("Loan duration (nl)", Service.Render(Service.Project(Context(card), Audiences.DataScientist), "text"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_override_in_a_card_built_in_code_is_rejected_when_projecting()
    {
        var card = CardWith("""{ "customer": { "topK": "many" } }""");
        var ex = Assert.Throws<InvalidDataException>(() => Service.Project(Context(card), Audiences.Customer));
        Assert.Equal("model card 'credit-test': policy 'customer', field 'topK': \"many\" is not an integer", ex.Message);
    }

    [Fact]
    public void A_card_read_from_disk_applies_its_override()
    {
        string path = Path.Combine(Path.GetTempPath(), "model-card-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(CardWith("""{ "fraud-analyst": { "topK": 2, "topLowering": 0, "context": ["case-values"] } }"""), ModelCardReader.JsonOptions));
        try
        {
            var card = ModelCardReader.Read(path);
            var view = Service.Project(Context(card), Audiences.FraudAnalyst);
            Assert.Equal(2, view.Items.Count);
            Assert.All(view.Items, i => Assert.Equal("raises", i.Direction));
            Assert.All(view.Items, i => Assert.Null(i.Percentile));
            Assert.All(view.Items, i => Assert.NotNull(i.CaseValue));
        }
        finally
        {
            File.Delete(path);
        }
    }
    [Theory]
    [InlineData("""{ "customer": { "hiddenTags": ["protcted", "internal"] } }""", "customer", "unknown tag 'protcted'")]
    [InlineData("""{ "customer": { "hiddenTags": ["protected"] } }""", "customer", "lacks internal; the customer view always hides protected and internal")]
    [InlineData("""{ "customer": { "hiddenTags": [] } }""", "customer", "lacks protected and internal")]
    [InlineData("""{ "business-manager": { "hiddenTags": ["secret"] } }""", "business-manager", "unknown tag 'secret', expected any of protected, internal, actionable")]
    public void A_card_cannot_show_the_customer_protected_or_internal_features_nor_hide_an_unknown_tag(string policies, string audience, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), "model-card-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(CardWith(policies), ModelCardReader.JsonOptions));
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => ModelCardReader.Read(path));
            Assert.StartsWith($"model card {path}: policy '{audience}', field 'hiddenTags': ", ex.Message, StringComparison.Ordinal);
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        // A card built in code is refused when projecting, before any view exists.
        Assert.Throws<InvalidDataException>(() => Service.Project(Context(CardWith(policies)), audience));
    }

    [Fact]
    public void A_customer_override_of_other_settings_keeps_the_hidden_tags()
    {
        var card = CardWith("""{ "customer": { "topK": 2 } }""");
        PolicyReader.CheckOverrides(card.Policies, "card");
        Assert.Equal(["protected", "internal"], Service.PolicyFor(Audiences.Customer, card).HiddenTags);
        Assert.Equal(["protected", "internal", "actionable"], Service.PolicyFor(Audiences.Customer, CardWith("""{ "customer": { "hiddenTags": ["protected", "internal", "actionable"] } }""")).HiddenTags);
    }
}
