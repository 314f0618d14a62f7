using System.Globalization;

namespace Explainability.Cli.Tests.Explaining;

/// <summary><c>explain --with-se</c> adds one <c>&lt;feature&gt;_se</c> column per feature after the existing columns; without it the CSV is unchanged.</summary>
public sealed class StandardErrorCsvTests : IDisposable
{
    private static readonly string CreditRisk = Path.Combine(RepoRoot.Path, "models", "credit-risk");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void With_se_appends_a_standard_error_column_per_feature_after_model_output()
    {
        string input = Input();
        var plain = CliRun.Of(["explain", "--model", CreditRisk, "--input", input, "--method", "permutation", "--nsamples", "10"]);
        var withSe = CliRun.Of(["explain", "--model", CreditRisk, "--input", input, "--method", "permutation", "--nsamples", "10", "--with-se"]);
        var tree = CliRun.Of(["explain", "--model", CreditRisk, "--input", input, "--with-se"]);
        Assert.True(plain.Code == 0 && withSe.Code == 0 && tree.Code == 0, plain.Error + withSe.Error + tree.Error);

        string[] header = plain.Lines[0].Split(',');
        var features = header[2..^2];
        Assert.Equal(20, features.Length);
        Assert.Equal(["base_value", "model_output"], header[^2..]);
        Assert.Equal([.. header, .. features.Select(f => f + "_se")], withSe.Lines[0].Split(','));
        Assert.Equal(tree.Lines[0], withSe.Lines[0]);
        for (int line = 1; line < withSe.Lines.Length; line++)
        {
            var values = withSe.Lines[line].Split(',');
            // The first columns are the plain CSV's, bit for bit (same seed).
            Assert.Equal(plain.Lines[line], string.Join(',', values[..header.Length]));
            var se = values[header.Length..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.All(se, s => Assert.True(s >= 0));
            Assert.Contains(se, s => s > 0);
            // TreeSHAP is exact: its standard errors are 0.
            Assert.All(tree.Lines[line].Split(',')[header.Length..], v => Assert.Equal("0", v));
        }
    }

    private string Input()
    {
        var lines = File.ReadLines(Path.Combine(CreditRisk, "background.csv")).Take(3).ToArray();
        string path = Path.Combine(_temp.Path, "rows.csv");
        File.WriteAllLines(path, lines);
        return path;
    }
}
