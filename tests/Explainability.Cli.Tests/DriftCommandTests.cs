using System.Globalization;
using System.Text.Json;

namespace Explainability.Cli.Tests;

public sealed class DriftCommandTests
{
    private static string Background => Path.Combine(RepoRoot.Path, "models", "credit-risk", "background.csv");

    private static string Model => Path.Combine(RepoRoot.Path, "models", "credit-risk");

    [Fact]
    public void A_dataset_against_itself_has_no_drift()
    {
        var run = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", Background, "--format", "json");

        Assert.Equal((0, ""), (run.Code, run.Error));
        using var json = JsonDocument.Parse(run.Output);
        var features = json.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(20, features.Count);
        Assert.All(features, f => Assert.Equal(
            (0.0, 0.0, 0.0, 0),
            (f.GetProperty("meanAbsChange").GetDouble(), f.GetProperty("psi").GetDouble(), f.GetProperty("wasserstein").GetDouble(), f.GetProperty("flags").GetArrayLength())));
    }

    /// <summary>Every loan 24 months longer: the duration's SHAP values move, so it is flagged; the text table lists it first.</summary>
    [Fact]
    public void A_copy_with_one_feature_shifted_flags_that_feature()
    {
        using var temp = new TempFolder();
        string shifted = Path.Combine(temp.Path, "shifted.csv");
        var lines = File.ReadAllLines(Background);
        int duration = lines[0].Split(',').ToList().IndexOf("duration");
        File.WriteAllLines(shifted, [lines[0], .. lines.Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            cells[duration] = (double.Parse(cells[duration], CultureInfo.InvariantCulture) + 24).ToString(CultureInfo.InvariantCulture);
            return string.Join(',', cells);
        })]);

        var json = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", shifted, "--format", "json");
        var text = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", shifted);

        Assert.Equal((0, ""), (json.Code, json.Error));
        using var doc = JsonDocument.Parse(json.Output);
        var flagged = doc.RootElement.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("flags").GetArrayLength() > 0)
            .Select(f => f.GetProperty("feature").GetString()).ToList();
        Assert.Contains("duration", flagged);
        var d = doc.RootElement.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("feature").GetString() == "duration");
        Assert.True(d.GetProperty("wasserstein").GetDouble() > 0.1, d.ToString());
        Assert.Equal(0, text.Code);
        Assert.Contains("features flagged", text.Output, StringComparison.Ordinal);
        Assert.True(text.Output.IndexOf("duration", StringComparison.Ordinal) < text.Output.IndexOf("checking_status", StringComparison.Ordinal), text.Output);
    }

    [Fact]
    public void Missing_files_and_bad_options_exit_2_naming_them()
    {
        var missing = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", "/nonexistent/b.csv");
        var format = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", Background, "--format", "xml");
        var psi = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", Background, "--psi", "-1");

        Assert.Equal((2, "error: no input file at /nonexistent/b.csv"), (missing.Code, missing.Error.TrimEnd()));
        Assert.Equal((2, "error: unknown format 'xml'; expected one of: text, json"), (format.Code, format.Error.TrimEnd()));
        Assert.Equal(2, psi.Code);
        Assert.Contains("--psi and --change must be 0 or more", psi.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--psi", "abc", "a number such as 0.2")]
    [InlineData("--change", "NaN", "a number such as 0.2 or a percentage such as 20%")]
    [InlineData("--change", "5%%", "a number such as 0.2 or a percentage such as 20%")]
    [InlineData("--change", "%", "a number such as 0.2 or a percentage such as 20%")]
    [InlineData("--psi", "0,2", "a number such as 0.2")]
    [InlineData("--psi", "20%", "a number such as 0.2")]
    public void A_threshold_that_is_not_a_number_is_refused_in_plain_words(string option, string value, string expected)
    {
        var run = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", Background, option, value);

        Assert.Equal(2, run.Code);
        Assert.Contains($"{option} expects {expected}, got '{value}'", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_change_threshold_may_be_written_as_a_percentage()
    {
        var share = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", Background, "--change", "0.5", "--format", "json");
        var percent = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", Background, "--change", "50%", "--format", "json");

        Assert.Equal((0, 0), (share.Code, percent.Code));
        Assert.Equal(0.5, JsonDocument.Parse(percent.Output).RootElement.GetProperty("thresholds").GetProperty("relativeMeanAbsChange").GetDouble());
        Assert.Equal(share.Output, percent.Output);
    }
}
