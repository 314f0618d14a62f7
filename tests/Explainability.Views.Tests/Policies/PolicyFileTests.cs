using System.Text.Json;
using Explainability.Views.ModelCards;
using Explainability.Views.Policies;

namespace Explainability.Views.Tests.Policies;

/// <summary>The default policy file: complete, equal to the documented defaults, and rejected with a precise message when invalid.</summary>
public class PolicyFileTests
{
    private static string ShippedJson() => File.ReadAllText(AudiencePolicies.DefaultPath());

    /// <summary>The shipped file with one audience's setting replaced by <paramref name="raw"/> (or removed when null).</summary>
    private static string WithSetting(string audience, string field, string? raw)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(ShippedJson())!.AsObject();
        var policy = root[audience]!.AsObject();
        policy.Remove(field);
        if (raw is not null)
        {
            policy[field] = System.Text.Json.Nodes.JsonNode.Parse(raw);
        }

        return root.ToJsonString();
    }

    [Fact]
    public void Shipped_file_is_found_beside_the_binaries_and_holds_every_setting_for_every_audience()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "templates", "policies.json"), AudiencePolicies.DefaultPath());
        using var doc = JsonDocument.Parse(ShippedJson());
        Assert.Equal(Audiences.All.Order(StringComparer.Ordinal), doc.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var audience in doc.RootElement.EnumerateObject())
        {
            Assert.Equal(PolicyReader.SettingNames, audience.Value.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Shipped_defaults_are_the_documented_ones()
    {
        // Written out by hand from templates/README.md: a test may compare, the code keeps no second copy.
        var ds = AudiencePolicies.DataScientist;
        Assert.Equal((Selection.All, OutputScale.Margin, (int?)null, true, true, true, 0.05),
            (ds.Selection, ds.Scale, ds.Decimals, ds.ShowTechnicalDetails, ds.ShowUncertainty, ds.ShowOffset, ds.GovernanceThreshold!.Value));
        Assert.Equal(ContextBlocks.CaseValues | ContextBlocks.Percentiles | ContextBlocks.Waterfall, ds.Context);

        var bm = AudiencePolicies.BusinessManager;
        Assert.Equal((Selection.TopByMagnitude, 5, true, OutputScale.Probability, (int?)1, ContextBlocks.GlobalImportance, (double?)null),
            (bm.Selection, bm.TopK, bm.GroupByFeatureGroup, bm.Scale, bm.Decimals, bm.Context, bm.GovernanceThreshold));

        var fa = AudiencePolicies.FraudAnalyst;
        Assert.Equal((Selection.TopByDirection, 5, 1, OutputScale.Probability, (int?)1, false, ContextBlocks.CaseValues | ContextBlocks.Percentiles | ContextBlocks.SimilarCases),
            (fa.Selection, fa.TopK, fa.TopLowering, fa.Scale, fa.Decimals, fa.ShowBaseValue, fa.Context));

        var cu = AudiencePolicies.Customer;
        Assert.Equal((Selection.TopByDecision, 4, 0, false, false, false, ContextBlocks.Descriptions | ContextBlocks.ActionableHints | ContextBlocks.Counterfactuals),
            (cu.Selection, cu.TopK, cu.TopLowering, cu.ShowScore, cu.ShowBaseValue, cu.ShowValues, cu.Context));
        Assert.Equal(["protected", "internal"], cu.HiddenTags);
        Assert.All(Audiences.All, a => Assert.Equal("en", AudiencePolicies.For(a).Language));
    }

    [Theory]
    [InlineData("customer", "topK", "-1", "topK is -1")]
    [InlineData("customer", "topK", "\"four\"", "\"four\" is not an integer")]
    [InlineData("customer", "topK", "2.5", "2.5 is not an integer")]
    [InlineData("customer", "topK", "99999999999", "99999999999 is not a number this policy can use (at most 2147483647)")]
    [InlineData("fraud-analyst", "topLowering", "-2", "topLowering is -2")]
    [InlineData("business-manager", "decimals", "16", "decimals is 16")]
    [InlineData("business-manager", "scale", "\"percent\"", "\"percent\" is not one of \"margin\", \"probability\"")]
    [InlineData("business-manager", "selection", "\"top-5\"", "\"top-5\" is not one of \"all\", \"top-by-magnitude\"")]
    [InlineData("data-scientist", "context", "[\"case-values\", \"shapes\"]", "\"shapes\" is not one of \"case-values\"")]
    [InlineData("data-scientist", "context", "\"case-values\"", "\"case-values\" is not an array of")]
    [InlineData("data-scientist", "language", "\"../../etc\"", "language '../../etc' is not a language code")]
    [InlineData("data-scientist", "language", "7", "7 is not a string")]
    [InlineData("data-scientist", "showScore", "\"yes\"", "\"yes\" is not true or false")]
    [InlineData("data-scientist", "showScore", "null", "null is not true or false")]
    [InlineData("data-scientist", "governanceThreshold", "1.5", "governanceThreshold is 1.5")]
    [InlineData("customer", "hiddenTags", "[\"protected\", 3]", "is not an array of strings")]
    [InlineData("customer", "hiddenTag", "[\"protected\"]", "unknown setting")]
    [InlineData("customer", "hiddenTags", "[\"protected\"]", "lacks internal")]
    [InlineData("customer", "hiddenTags", "[\"protected\", \"intern\"]", "unknown tag 'intern'")]
    [InlineData("customer", "showScore", "true", "showScore is true; the customer view never shows the score")]
    [InlineData("customer", "showValues", "true", "showValues is true; the customer view never shows")]
    [InlineData("customer", "showTechnicalDetails", "true", "showTechnicalDetails is true; the customer view never shows")]
    [InlineData("fraud-analyst", "hiddenTags", "[\"Protected\"]", "unknown tag 'Protected'")]
    public void Invalid_setting_in_the_file_is_rejected_naming_file_audience_field_and_value(string audience, string field, string raw, string expected)
    {
        string json = WithSetting(audience, field, raw);
        var ex = Assert.Throws<InvalidDataException>(() => PolicyReader.ParseDefaults(json, "/etc/x/policies.json"));
        Assert.StartsWith($"/etc/x/policies.json: policy '{audience}', field '{field}': ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_setting_unknown_audience_missing_audience_and_bad_json_are_rejected()
    {
        var missing = Assert.Throws<InvalidDataException>(() => PolicyReader.ParseDefaults(WithSetting("customer", "showValues", null), "p.json"));
        Assert.StartsWith("p.json: policy 'customer', field 'showValues': missing", missing.Message, StringComparison.Ordinal);

        var root = System.Text.Json.Nodes.JsonNode.Parse(ShippedJson())!.AsObject();
        var customer = root["customer"]!.DeepClone();
        root["auditor"] = customer;
        var unknown = Assert.Throws<InvalidDataException>(() => PolicyReader.ParseDefaults(root.ToJsonString(), "p.json"));
        Assert.Equal("p.json: policy 'auditor': unknown audience; expected one of: data-scientist, business-manager, fraud-analyst, customer", unknown.Message);

        root.Remove("auditor");
        root.Remove("customer");
        var absent = Assert.Throws<InvalidDataException>(() => PolicyReader.ParseDefaults(root.ToJsonString(), "p.json"));
        Assert.Contains("no policy for customer", absent.Message, StringComparison.Ordinal);

        var twice = Assert.Throws<InvalidDataException>(() => PolicyReader.ParseDefaults(ShippedJson().Replace("\"topK\": 4,", "\"topK\": 4, \"topK\": 9,", StringComparison.Ordinal), "p.json"));
        Assert.StartsWith("p.json: policy 'customer', field 'topK': set twice", twice.Message, StringComparison.Ordinal);

        var bad = Assert.Throws<InvalidDataException>(() => PolicyReader.ParseDefaults("{ \"customer\": ", "p.json"));
        Assert.StartsWith("p.json: not valid JSON", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_read_from_disk_is_the_shipped_defaults()
    {
        var read = PolicyReader.ReadDefaults(AudiencePolicies.DefaultPath());
        foreach (var audience in Audiences.All)
        {
            Assert.Equal(JsonSerializer.Serialize(AudiencePolicies.For(audience)), JsonSerializer.Serialize(read[audience]));
        }

        Assert.Throws<FileNotFoundException>(() => PolicyReader.ReadDefaults(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "policies.json")));
    }

    [Fact]
    public void A_card_read_with_an_invalid_override_is_rejected_at_load_naming_card_audience_field_and_value()
    {
        foreach (var (policies, expected) in new[]
        {
            ("""{ "customer": { "topK": -3 } }""", "policy 'customer', field 'topK': topK is -3, expected 0 or more"),
            ("""{ "customer": { "topk": 3 } }""", "policy 'customer', field 'topk': unknown setting"),
            ("""{ "customer": { "showScore": true } }""", "policy 'customer', field 'showScore': showScore is true; the customer view never shows the score"),
            ("""{ "customer": { "showBaseValue": true, "showUncertainty": false } }""", "policy 'customer', field 'showBaseValue': showBaseValue is true"),
            ("""{ "customer": { "language": "x y" } }""", "policy 'customer', field 'language': language 'x y' is not a language code"),
            ("""{ "auditor": { "topK": 3 } }""", "policy 'auditor': unknown audience"),
            ("""{ "business-manager": { "scale": "log-odds" } }""", "policy 'business-manager', field 'scale': \"log-odds\" is not one of \"margin\", \"probability\""),
            ("""{ "business-manager": { "groupByFeatureGroup": 1 } }""", "policy 'business-manager', field 'groupByFeatureGroup': 1 is not true or false"),
            ("""{ "business-manager": 5 }""", "policy 'business-manager': expected an object of settings, got 5"),
        })
        {
            string path = Path.Combine(Path.GetTempPath(), "model-card-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path, $$"""
                {
                  "id": "m", "version": "1",
                  "features": [ { "name": "x", "displayName": { "en": "X" }, "type": "numeric" } ],
                  "output": { },
                  "policies": {{policies}}
                }
                """);
            try
            {
                var ex = Assert.Throws<InvalidDataException>(() => ModelCardReader.Read(path));
                Assert.Equal($"model card {path}: {expected}", ex.Message[..Math.Min(ex.Message.Length, $"model card {path}: {expected}".Length)]);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
