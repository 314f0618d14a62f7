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
            (f.GetProperty("mean_abs_change").GetDouble(), f.GetProperty("psi").GetDouble(), f.GetProperty("wasserstein").GetDouble(), f.GetProperty("flags").GetArrayLength())));
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
        var change = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", Background, "--change", "-10%");

        Assert.Equal((2, "error: no input file at /nonexistent/b.csv"), (missing.Code, missing.Error.TrimEnd()));
        Assert.Equal((2, "error: unknown format 'xml'; expected one of: text, json"), (format.Code, format.Error.TrimEnd()));
        Assert.Equal(2, psi.Code);
        Assert.Contains("--psi must be from 0 to 100, got '-1'", psi.Error, StringComparison.Ordinal);
        Assert.Equal(2, change.Code);
        Assert.Contains("--change must be from 0 to 100 (10,000%), got '-10%'", change.Error, StringComparison.Ordinal);
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
        Assert.Equal(0.5, JsonDocument.Parse(percent.Output).RootElement.GetProperty("thresholds").GetProperty("relative_mean_abs_change").GetDouble());
        Assert.Equal(share.Output, percent.Output);
        foreach (string spaced in (string[])["50% ", " 50 %", "\t0.5"])
        {
            var run = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", Background, "--change", spaced, "--format", "json");
            Assert.Equal((0, share.Output), (run.Code, run.Output));
        }
    }

    /// <summary>A baseline whose SHAP values are all 0 (its one row is the background itself, so interventional TreeSHAP
    /// gives it nothing) against 200 rows that have some: every relative change is infinite, which JSON cannot carry,
    /// so it is null there and "new" in the table; and a baseline of one row carries a caution.</summary>
    [Fact]
    public void A_change_from_nothing_is_null_in_json_and_few_rows_are_cautioned()
    {
        using var temp = new TempFolder();
        string one = Path.Combine(temp.Path, "one.csv"), reference = Path.Combine(temp.Path, "reference.csv");
        var header = File.ReadLines(Background).First().Split(',');
        int label = Array.IndexOf(header, "class");
        string WithoutLabel(string line) => string.Join(',', line.Split(',').Where((_, i) => i != label));
        File.WriteAllLines(one, File.ReadLines(Background).Take(2).Select(WithoutLabel));
        File.WriteAllLines(reference, File.ReadLines(Path.Combine(Model, "reference.csv")).Select(WithoutLabel));
        string onnx = Path.Combine(Model, "model.onnx");
        string[] args = ["drift", "--model", onnx, "--baseline", one, "--current", reference, "--background", one, "--method", "interventional"];

        var json = CliRun.Of([.. args, "--format", "json"]);
        var text = CliRun.Of(args);

        Assert.Equal((0, ""), (json.Code, json.Error));
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal((1, 200), (doc.RootElement.GetProperty("baseline_rows").GetInt32(), doc.RootElement.GetProperty("current_rows").GetInt32()));
        var features = doc.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.All(features, f => Assert.Equal(0.0, f.GetProperty("baseline_mean_abs").GetDouble()));
        var moved = features.Where(f => f.GetProperty("current_mean_abs").GetDouble() > 0).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, f => Assert.Equal(JsonValueKind.Null, f.GetProperty("relative_change").ValueKind));
        Assert.Equal(0, text.Code);
        Assert.Contains("baseline of 1 row against current of 200 rows", text.Output, StringComparison.Ordinal);
        Assert.Contains("Few rows: the baseline data has 1 row (under 30)", text.Output, StringComparison.Ordinal);
        Assert.Contains("│ new ", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_column_names_only_is_refused_naming_it()
    {
        using var temp = new TempFolder();
        string empty = Path.Combine(temp.Path, "empty.csv");
        File.WriteAllLines(empty, [File.ReadLines(Background).First()]);

        var run = CliRun.Of("drift", "--model", Model, "--baseline", empty, "--current", Background);

        Assert.Equal((2, $"error: {empty} has no rows, only its column names; expected at least one row"), (run.Code, run.Error.TrimEnd()));
    }

    /// <summary>A bad row in one of the two files: the message names the option and the file it came from.</summary>
    [Fact]
    public void A_bad_row_is_named_by_its_file()
    {
        using var temp = new TempFolder();
        string bad = Path.Combine(temp.Path, "bad.csv");
        var lines = File.ReadAllLines(Background);
        File.WriteAllLines(bad, [lines[0], "," + lines[1][(lines[1].IndexOf(',', StringComparison.Ordinal) + 1)..]]);

        var run = CliRun.Of("drift", "--model", Model, "--baseline", Background, "--current", bad);

        Assert.Equal(2, run.Code);
        Assert.StartsWith($"error: --current {bad}: row 0: feature 'checking_status' is categorical and has no value", run.Error, StringComparison.Ordinal);
    }
}
