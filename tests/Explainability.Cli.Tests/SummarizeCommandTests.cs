using System.Text.Json;

namespace Explainability.Cli.Tests;

/// <summary>The <c>summarize</c> command on the shipped credit-risk model, checked against <c>explain</c>'s per-row output.</summary>
public sealed class SummarizeCommandTests
{
    private static readonly string CreditRisk = Path.Combine(RepoRoot.Path, "models", "credit-risk");
    private static readonly string CreditBackground = Path.Combine(CreditRisk, "background.csv");

    [Fact]
    public void Json_mean_abs_SHAP_equals_the_mean_of_explain_per_row_and_cohorts_add_up()
    {
        // The background's "class" column is no feature: the cohorts split by the known outcome.
        var summary = CliRun.Of("summarize", "--model", CreditRisk, "--input", CreditBackground, "--cohort", "class", "--interactions", "3", "--bins", "6", "--format", "json");
        var explain = CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground, "--format", "json");

        Assert.True(summary.Code == 0, summary.Error);
        Assert.Equal(0, explain.Code);
        using var s = JsonDocument.Parse(summary.Output);
        using var e = JsonDocument.Parse(explain.Output);
        var names = e.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToList();
        var phi = e.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => r.GetProperty("outputs").EnumerateArray().Single().GetProperty("phi").EnumerateArray().Select(p => p.GetDouble()).ToArray()).ToArray();
        var whole = s.RootElement.GetProperty("summary");
        Assert.Equal("credit-risk", s.RootElement.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal(phi.Length, whole.GetProperty("row_count").GetInt32());
        Assert.Equal("bad", whole.GetProperty("output_name").GetString());
        Assert.Equal("margin", whole.GetProperty("output_space").GetString());
        var features = whole.GetProperty("features").EnumerateArray().ToArray();
        Assert.Equal(names.Count, features.Length);
        foreach (var feature in features)
        {
            string name = feature.GetProperty("name").GetString()!;
            int f = names.IndexOf(name);
            double meanAbs = phi.Average(p => Math.Abs(p[f]));
            double mean = phi.Average(p => p[f]);
            Assert.True(Math.Abs(meanAbs - feature.GetProperty("mean_abs_shap").GetDouble()) <= 1e-12, $"{name}: explain {meanAbs:R}, summarize {feature.GetProperty("mean_abs_shap").GetDouble():R}");
            Assert.True(Math.Abs(mean - feature.GetProperty("mean_shap").GetDouble()) <= 1e-12, $"{name}: explain {mean:R}, summarize {feature.GetProperty("mean_shap").GetDouble():R}");
            Assert.Equal(phi.Length, feature.GetProperty("beeswarm").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
            Assert.True(feature.GetProperty("beeswarm").GetArrayLength() <= 6);
        }

        var interactions = whole.GetProperty("interactions");
        Assert.Equal(3, interactions.GetProperty("conditioned").GetArrayLength());
        Assert.NotEqual(0, interactions.GetProperty("pairs").GetArrayLength());
        Assert.Equal("class", s.RootElement.GetProperty("cohort_column").GetString());
        var cohorts = s.RootElement.GetProperty("cohorts").EnumerateArray().ToArray();
        Assert.Equal(["no", "yes"], cohorts.Select(c => c.GetProperty("value").GetString()));
        Assert.Equal(phi.Length, cohorts.Sum(c => c.GetProperty("summary").GetProperty("row_count").GetInt32()));
    }

    [Fact]
    public void Text_is_a_table_of_features_by_mean_abs_SHAP_with_the_top_interaction_pairs()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "summary.txt");

        var run = CliRun.Of("summarize", "--model", CreditRisk, "--input", CreditBackground, "--interactions", "2", "--out", file);

        Assert.True(run.Code == 0, run.Error);
        Assert.Empty(run.Output);
        string text = File.ReadAllText(file);
        Assert.StartsWith("credit-risk 1.0.0: 200 rows, tree_path_dependent, output 'bad' in margin space", text, StringComparison.Ordinal);
        Assert.Contains("Features by mean |SHAP|", text, StringComparison.Ordinal);
        Assert.Contains("checking_status", text, StringComparison.Ordinal);
        Assert.Contains("Strongest interactions", text, StringComparison.Ordinal);
        Assert.Contains("Feature groups", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cohort", "segment", "cohort column 'segment' is not a column of the input")]
    [InlineData("--bins", "0", "--bins must be from 1 to 1000, got 0")]
    [InlineData("--bins", "1001", "--bins must be from 1 to 1000, got 1001")]
    [InlineData("--bins", "abc", "--bins expects a whole number, got 'abc'")]
    [InlineData("--bins", "99999999999", "--bins expects a whole number from -2147483648 to 2147483647, got '99999999999'")]
    [InlineData("--interactions", "-2", "--interactions must be 0 or more, got -2")]
    [InlineData("--format", "csv", "unknown format 'csv'")]
    public void Bad_options_exit_with_2_naming_the_value(string option, string value, string message)
    {
        var run = CliRun.Of("summarize", "--model", CreditRisk, "--input", CreditBackground, option, value);

        Assert.Equal(2, run.Code);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    /// <summary>A bare .onnx file carries no node covers: the message points to --background, and with it the summary is
    /// the folder model's (same trees, covers counted from the same rows).</summary>
    [Fact]
    public void A_bare_onnx_file_is_summarized_with_the_background_given()
    {
        using var temp = new TempFolder();
        string rows = Path.Combine(temp.Path, "rows.csv");
        var header = File.ReadLines(CreditBackground).First().Split(',');
        int label = Array.IndexOf(header, "class");
        File.WriteAllLines(rows, File.ReadLines(CreditBackground).Select(line => string.Join(',', line.Split(',').Where((_, i) => i != label))));
        string onnx = Path.Combine(CreditRisk, "model.onnx");

        var without = CliRun.Of("summarize", "--model", onnx, "--input", rows);
        var with = CliRun.Of("summarize", "--model", onnx, "--input", rows, "--background", rows, "--format", "json");
        var folder = CliRun.Of("summarize", "--model", CreditRisk, "--input", rows, "--format", "json");

        Assert.Equal(2, without.Code);
        Assert.Contains("--background", without.Error, StringComparison.Ordinal);
        var interventional = CliRun.Of("summarize", "--model", onnx, "--input", rows, "--background", rows, "--method", "interventional", "--format", "json");
        Assert.Equal(0, interventional.Code);
        Assert.Equal("interventional", JsonDocument.Parse(interventional.Output).RootElement.GetProperty("summary").GetProperty("method").GetString());
        Assert.Equal((0, 0), (with.Code, folder.Code));
        using var bare = JsonDocument.Parse(with.Output);
        using var card = JsonDocument.Parse(folder.Output);
        double MeanAbs(JsonDocument d, string name) => d.RootElement.GetProperty("summary").GetProperty("features").EnumerateArray()
            .Single(f => f.GetProperty("name").GetString() == name).GetProperty("mean_abs_shap").GetDouble();
        foreach (string name in header.Where(h => h != "class"))
        {
            Assert.Equal(MeanAbs(card, name), MeanAbs(bare, name), 12);
        }
    }
}
