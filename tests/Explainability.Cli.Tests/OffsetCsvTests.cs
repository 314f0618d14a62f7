using System.Globalization;
using System.Text.Json;

namespace Explainability.Cli.Tests;

/// <summary>
/// Casebook C11 on the command line: <c>y = tree(X) + offset</c> (fixture <c>c11_offset.onnx</c>). The CSV keeps its
/// columns and adds <c>offset</c> after <c>model_output</c>; the offset input is no feature column.
/// </summary>
public sealed class OffsetCsvTests
{
    private static readonly string C11 = Path.Combine(AppContext.BaseDirectory, "Fixtures", "c11_offset", "c11_offset.onnx");
    private static readonly double Ln3 = Math.Log(3);

    private static (TempFolder Temp, string Input, string Background) Files()
    {
        var temp = new TempFolder();
        string input = Path.Combine(temp.Path, "rows.csv");
        string background = Path.Combine(temp.Path, "background.csv");
        File.WriteAllText(input, string.Create(CultureInfo.InvariantCulture, $"X,offset\n1,{Ln3:R}\n-1,-0.25\n"));
        File.WriteAllText(background, "X,offset\n-1,0\n1,0\n");
        return (temp, input, background);
    }

    private static double N(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("tree_path_dependent")]
    [InlineData("interventional")]
    public void C11_csv_adds_an_offset_column_after_model_output_and_the_parts_sum_to_the_output(string method)
    {
        var (temp, input, background) = Files();
        using var _ = temp;
        var run = CliRun.Of("explain", "--model", C11, "--input", input, "--background", background, "--method", method);

        Assert.True(run.Code == 0, run.Error);
        Assert.Equal("row,output,X,base_value,model_output,offset", run.Lines[0]);
        var first = run.Lines[1].Split(',');
        Assert.Equal(0, N(first[3]), 12);
        Assert.Equal(1, N(first[2]), 12);
        Assert.Equal(2.098612, N(first[4]), 1e-6);
        Assert.Equal(Ln3, N(first[5]), 1e-6);
        foreach (var line in run.Lines.Skip(1))
        {
            var f = line.Split(',');
            Assert.Equal(N(f[4]), N(f[3]) + N(f[2]) + N(f[5]), 1e-9);
        }

        Assert.Equal(-0.25, N(run.Lines[2].Split(',')[5]));
    }

    [Fact]
    public void C11_json_has_the_offset_per_output_and_the_text_view_its_own_line()
    {
        var (temp, input, background) = Files();
        using var _ = temp;
        var json = CliRun.Of("explain", "--model", C11, "--input", input, "--background", background, "--format", "json");
        Assert.True(json.Code == 0, json.Error);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal(["X"], doc.RootElement.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        var output = doc.RootElement.GetProperty("rows")[0].GetProperty("outputs")[0];
        Assert.Equal(Ln3, output.GetProperty("offset").GetDouble(), 1e-6);

        var text = CliRun.Of("explain", "--model", C11, "--input", input, "--background", background, "--audience", "data-scientist");
        Assert.True(text.Code == 0, text.Error);
        Assert.Contains("Per-row offset (input 'offset'): +1.098612", text.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN", "a missing value")]
    [InlineData("", "a missing value")]
    [InlineData("Infinity", "Infinity")]
    public void A_missing_or_infinite_offset_is_an_input_error_naming_it(string offset, string got)
    {
        var (temp, _, background) = Files();
        using var __ = temp;
        string input = Path.Combine(temp.Path, "bad.csv");
        File.WriteAllText(input, $"X,offset\n1,{offset}\n");
        var run = CliRun.Of("explain", "--model", C11, "--input", input, "--background", background);
        Assert.Equal(2, run.Code);
        Assert.Contains("row 0: offset 'offset' must be a finite number, got " + got, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_customer_audience_is_refused_for_a_model_without_a_card()
    {
        var (temp, input, background) = Files();
        using var _ = temp;
        var run = CliRun.Of("explain", "--model", C11, "--input", input, "--background", background, "--audience", "customer");
        Assert.Equal(2, run.Code);
        Assert.Contains("the customer audience needs a model card", run.Error, StringComparison.Ordinal);
        // With other audiences before it: refused before any of their views is written.
        var mixed = CliRun.Of("explain", "--model", C11, "--input", input, "--background", background, "--audience", "data-scientist,customer");
        Assert.Equal((2, ""), (mixed.Code, mixed.Output));
        Assert.Contains("the customer audience needs a model card", mixed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_out_path_that_is_a_folder_or_in_a_missing_folder_is_a_usage_error()
    {
        var (temp, input, background) = Files();
        using var _ = temp;
        var folder = CliRun.Of("explain", "--model", C11, "--input", input, "--background", background, "--out", temp.Path);
        Assert.Equal(2, folder.Code);
        Assert.Contains("is a folder", folder.Error, StringComparison.Ordinal);
        var missing = CliRun.Of("explain", "--model", C11, "--input", input, "--background", background, "--out", Path.Combine(temp.Path, "no", "x.csv"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_offset_column_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        string input = Path.Combine(temp.Path, "rows.csv");
        File.WriteAllText(input, "X\n1\n");
        var run = CliRun.Of("explain", "--model", C11, "--input", input, "--background", input);
        Assert.NotEqual(0, run.Code);
        Assert.Contains("missing offset 'offset'", run.Error, StringComparison.Ordinal);
    }
}
