using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Explainability.Cli.Tests;

public sealed class ExplainCommandTests
{
    private static readonly string CreditRisk = Path.Combine(RepoRoot.Path, "models", "credit-risk");
    private static readonly string CreditBackground = Path.Combine(CreditRisk, "background.csv");
    private static readonly string CreditOnnx = Path.Combine(CreditRisk, "model.onnx");
    private static readonly string Xgboost = Path.Combine(RepoRoot.Path, "tests", "Explainability.Onnx.Tests", "Fixtures", "moose_xgboost_regressor", "xgboost_regressor.onnx");

    public static TheoryData<string> Methods => ["tree_path_dependent", "interventional"];

    [Theory]
    [MemberData(nameof(Methods))]
    public void Credit_risk_csv_has_the_input_features_in_order_is_additive_and_its_logistic_margin_is_ONNX_Runtimes_probability(string method)
    {
        var run = CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground, "--method", method, "--format", "csv");

        Assert.Equal(0, run.Code);
        Assert.Empty(run.Error);
        var (header, rows) = ReadCsv(CreditBackground);
        var features = header.Where(h => h != "class").ToArray();
        Assert.Equal(20, features.Length);
        var lines = run.Lines;
        Assert.Equal("row,output," + string.Join(',', features) + ",base_value,model_output", lines[0]);
        Assert.Equal(200, lines.Length - 1);

        var probability = OrtReference.Run(CreditOnnx, header, rows, "Probability.output");
        for (int i = 1; i < lines.Length; i++)
        {
            var fields = lines[i].Split(',');
            Assert.Equal((i - 1).ToString(CultureInfo.InvariantCulture), fields[0]);
            Assert.Equal("bad", fields[1]);
            double modelOutput = AssertAdditive(fields, features.Length, lines[i]);
            double p = 1 / (1 + Math.Exp(-modelOutput));
            AssertClose(probability[i - 1], p, 1e-5, $"row {i - 1}: logistic(model_output) vs ONNX Runtime");
        }
    }

    [Fact]
    public void Card_model_reports_features_in_the_order_of_the_input_header_and_ignores_the_label_column()
    {
        using var temp = new TempFolder();
        var (header, rows) = ReadCsv(CreditBackground);
        var order = new[] { header.Length - 1 }.Concat(Enumerable.Range(0, header.Length - 1).Reverse()).ToArray();
        string shuffled = Path.Combine(temp.Path, "shuffled.csv");
        File.WriteAllLines(shuffled, rows.Take(5).Prepend(header).Select(r => string.Join(',', order.Select(i => r[i]))));

        var straight = CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground);
        var reordered = CliRun.Of("explain", "--model", CreditRisk, "--input", shuffled);

        Assert.Equal(0, reordered.Code);
        var features = order.Skip(1).Select(i => header[i]).ToArray();
        Assert.Equal("row,output," + string.Join(',', features) + ",base_value,model_output", reordered.Lines[0]);
        var straightHeader = straight.Lines[0].Split(',');
        for (int r = 1; r <= 5; r++)
        {
            var a = straight.Lines[r].Split(',');
            var b = reordered.Lines[r].Split(',');
            for (int c = 0; c < b.Length; c++)
            {
                Assert.Equal(a[Array.IndexOf(straightHeader, reordered.Lines[0].Split(',')[c])], b[c]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Bare_xgboost_onnx_binds_the_header_by_position_matches_the_expected_outputs_and_treats_empty_and_NaN_as_missing(string method)
    {
        using var temp = new TempFolder();
        string[] header = ["f0", "f1", "f2", "f3"];
        string[][] rows =
        [
            ["0", "1", "1", "0"],
            ["1", "0", "1", "0"],
            ["0.2", "4", "2", "6"],
            ["0", "", "1", "0"],
            ["NaN", "1", "1", "0"],
        ];
        string input = Path.Combine(temp.Path, "rows.csv");
        File.WriteAllLines(input, rows.Prepend(header).Select(r => string.Join(',', r)));
        using var expectedJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(Xgboost)!, "expected_outputs.json")));
        var expected = expectedJson.RootElement.GetProperty("expected").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        var run = CliRun.Of("explain", "--model", Xgboost, "--input", input, "--background", input, "--method", method);

        Assert.Equal(0, run.Code);
        Assert.Empty(run.Error);
        var lines = run.Lines;
        Assert.Equal("row,output,f0,f1,f2,f3,base_value,model_output", lines[0]);
        Assert.Equal(rows.Length, lines.Length - 1);
        var nanRows = rows.Select(r => r.Select(c => c.Length == 0 ? "NaN" : c).ToArray()).ToArray();
        var runtime = OrtReference.Run(Xgboost, header, nanRows, "variable");
        for (int r = 0; r < rows.Length; r++)
        {
            var fields = lines[r + 1].Split(',');
            Assert.Equal("0", fields[1]);
            double modelOutput = AssertAdditive(fields, 4, lines[r + 1]);
            AssertClose(runtime[r], modelOutput, 1e-5, $"row {r} vs ONNX Runtime");
            if (r < expected.Length)
            {
                AssertClose(expected[r], modelOutput, 1e-5, $"row {r} vs expected_outputs.json");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Bare_per_column_onnx_binds_by_name_and_gives_the_card_models_numbers(string method)
    {
        using var temp = new TempFolder();
        var (header, rows) = ReadCsv(CreditBackground);
        int label = Array.IndexOf(header, "class");
        string input = Path.Combine(temp.Path, "rows.csv");
        File.WriteAllLines(input, rows.Take(20).Prepend(header).Select(r => string.Join(',', r.Where((_, i) => i != label))));

        var bare = CliRun.Of("explain", "--model", CreditOnnx, "--input", input, "--background", CreditBackground, "--method", method);
        var card = CliRun.Of("explain", "--model", CreditRisk, "--input", input, "--method", method);

        Assert.Equal(0, bare.Code);
        Assert.Empty(bare.Error);
        Assert.Equal(card.Lines[0], bare.Lines[0]);
        Assert.Equal(21, bare.Lines.Length);
        for (int r = 1; r < bare.Lines.Length; r++)
        {
            var b = bare.Lines[r].Split(',');
            var c = card.Lines[r].Split(',');
            Assert.Equal("0", b[1]); // no card: the graph's target index
            Assert.Equal("bad", c[1]); // the card's positive class
            Assert.Equal(c[2..], b[2..]);
        }
    }

    [Fact]
    public void Bare_per_column_onnx_refuses_a_column_that_is_not_an_input()
    {
        var run = CliRun.Of("explain", "--model", CreditOnnx, "--input", CreditBackground, "--background", CreditBackground);

        Assert.Equal(2, run.Code);
        Assert.Contains("unknown feature 'class'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_names_the_model_method_features_and_outputs_and_each_row_is_additive()
    {
        using var temp = new TempFolder();
        var (header, rows) = ReadCsv(CreditBackground);
        string input = Path.Combine(temp.Path, "rows.csv");
        File.WriteAllLines(input, rows.Take(3).Prepend(header).Select(r => string.Join(',', r)));

        var run = CliRun.Of("explain", "--model", CreditRisk, "--input", input, "--format", "json", "--method", "interventional");

        Assert.Equal(0, run.Code);
        using var doc = JsonDocument.Parse(run.Output);
        var root = doc.RootElement;
        Assert.Equal("credit-risk", root.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal("1.0.0", root.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(CreditOnnx))), root.GetProperty("model").GetProperty("sha256").GetString());
        Assert.Equal("interventional", root.GetProperty("method").GetString());
        Assert.Equal("margin", root.GetProperty("output_space").GetString());
        Assert.Equal("logistic", root.GetProperty("link").GetString());
        Assert.Equal("200", root.GetProperty("parameters").GetProperty("background_rows").GetString());
        Assert.Equal(header.Where(h => h != "class"), root.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["bad"], root.GetProperty("outputs").EnumerateArray().Select(f => f.GetString()));
        var jsonRows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(3, jsonRows.Length);
        foreach (var row in jsonRows)
        {
            var o = row.GetProperty("outputs").EnumerateArray().Single();
            Assert.Equal("bad", o.GetProperty("output").GetString());
            double sum = o.GetProperty("base_value").GetDouble() + o.GetProperty("phi").EnumerateArray().Sum(p => p.GetDouble());
            Assert.Equal(20, o.GetProperty("phi").GetArrayLength());
            Assert.True(Math.Abs(sum - o.GetProperty("model_output").GetDouble()) <= 1e-9);
        }
    }

    [Fact]
    public void Out_writes_the_file_and_nothing_to_standard_output()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "explained.csv");

        var toFile = CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground, "--out", file);
        var toStdout = CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground);

        Assert.Equal(0, toFile.Code);
        Assert.Empty(toFile.Output);
        Assert.Equal(toStdout.Output, File.ReadAllText(file));
    }

    [Fact]
    public void Audience_renders_that_audiences_view_of_every_row()
    {
        using var temp = new TempFolder();
        var (header, rows) = ReadCsv(CreditBackground);
        string input = Path.Combine(temp.Path, "rows.csv");
        File.WriteAllLines(input, rows.Take(3).Prepend(header).Select(r => string.Join(',', r)));

        var run = CliRun.Of("explain", "--model", CreditRisk, "--input", input, "--audience", "customer");

        Assert.Equal(0, run.Code);
        for (int r = 0; r < 3; r++)
        {
            Assert.Contains($"credit-risk row {r} - customer", run.Output, StringComparison.Ordinal);
        }

        Assert.Equal(3, CountOf(run.Output, "This explanation leaves out"));
        Assert.DoesNotContain("data-scientist", run.Output, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Checks base_value + sum of the feature columns = model_output to 1e-9 and returns model_output.</summary>
    private static double AssertAdditive(string[] fields, int featureCount, string line)
    {
        Assert.Equal(2 + featureCount + 2, fields.Length);
        double sum = double.Parse(fields[^2], CultureInfo.InvariantCulture);
        for (int f = 2; f < 2 + featureCount; f++)
        {
            sum += double.Parse(fields[f], CultureInfo.InvariantCulture);
        }

        double modelOutput = double.Parse(fields[^1], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(sum - modelOutput) <= 1e-9, $"not additive: base + sum = {sum}, model_output = {modelOutput} in {line}");
        return modelOutput;
    }

    private static void AssertClose(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1e-3, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    internal static (string[] Header, string[][] Rows) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        return (lines[0].Split(','), [.. lines.Skip(1).Select(l => l.Split(','))]);
    }
}
