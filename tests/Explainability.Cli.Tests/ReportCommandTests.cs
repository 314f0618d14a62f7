using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Explainability.Cli.Tests;

public sealed class ReportCommandTests
{
    private static string Background => Path.Combine(RepoRoot.Path, "models", "credit-risk", "background.csv");

    private static string Model => Path.Combine(RepoRoot.Path, "models", "credit-risk");

    /// <summary>
    /// The background as CSV and as Parquet holding the same cells: <c>duration</c> as int32, <c>age</c> as nullable
    /// double with row 3 missing (an empty CSV cell), the other numbers as double, texts as strings, in two row groups.
    /// </summary>
    private static async Task<(string Csv, string Parquet)> SameRowsAsCsvAndParquet(string folder)
    {
        var lines = File.ReadAllLines(Background);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        int age = Array.IndexOf(header, "age");
        rows[3][age] = "";
        string csv = Path.Combine(folder, "rows.csv"), parquet = Path.Combine(folder, "rows.parquet");
        File.WriteAllLines(csv, [lines[0], .. rows.Select(r => string.Join(',', r))]);

        bool Numeric(int c) => rows.All(r => r[c].Length == 0 || double.TryParse(r[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var fields = header.Select((name, c) => name == "duration" ? new DataField<int>(name)
            : name == "age" ? new DataField<double?>(name)
            : Numeric(c) ? new DataField<double>(name)
            : (DataField)new DataField<string>(name)).ToArray();
        await using var file = File.Create(parquet);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file);
        foreach (var part in rows.Chunk(120))
        {
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < header.Length; c++)
            {
                int column = c;
                double Number(string[] r) => double.Parse(r[column], CultureInfo.InvariantCulture);
                if (header[c] == "duration")
                {
                    await group.WriteAsync(fields[c], new ReadOnlyMemory<int>([.. part.Select(r => (int)Number(r))]));
                }
                else if (header[c] == "age")
                {
                    await group.WriteAsync(fields[c], new ReadOnlyMemory<double?>([.. part.Select(r => r[column].Length == 0 ? (double?)null : Number(r))]));
                }
                else if (fields[c].ClrType == typeof(double))
                {
                    await group.WriteAsync(fields[c], new ReadOnlyMemory<double>([.. part.Select(Number)]));
                }
                else
                {
                    await group.WriteAsync(fields[c], (IReadOnlyCollection<string>)[.. part.Select(r => r[column])]);
                }
            }
        }

        return (csv, parquet);
    }

    [Fact]
    public async Task Parquet_rows_give_the_same_summary_drift_and_report_as_the_same_rows_in_CSV()
    {
        using var temp = new TempFolder();
        var (csv, parquet) = await SameRowsAsCsvAndParquet(temp.Path);

        var summaryCsv = CliRun.Of("summarize", "--model", Model, "--input", csv, "--format", "json");
        var summaryParquet = CliRun.Of("summarize", "--model", Model, "--input", parquet, "--format", "json");
        var driftMixed = CliRun.Of("drift", "--model", Model, "--baseline", csv, "--current", parquet, "--format", "json");
        var reportCsv = CliRun.Of("report", "--model", Model, "--data", csv, "--audience", "data-scientist", "--format", "md");
        var reportParquet = CliRun.Of("report", "--model", Model, "--data", parquet, "--audience", "data-scientist", "--format", "md");

        Assert.Equal((0, ""), (summaryParquet.Code, summaryParquet.Error));
        Assert.Equal(summaryCsv.Output, summaryParquet.Output);
        Assert.Equal((0, ""), (driftMixed.Code, driftMixed.Error));
        // The same rows read from either file: nothing drifts.
        Assert.Equal(20, driftMixed.Output.Split("\"flags\": []").Length - 1);
        Assert.Equal(20, driftMixed.Output.Split("\"wasserstein\": 0,").Length - 1);
        Assert.Equal((0, ""), (reportParquet.Code, reportParquet.Error));
        Assert.Equal(reportCsv.Output, reportParquet.Output);
        Assert.Contains("- **Rows:** 200", reportParquet.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_markdown_report_with_a_comparison_has_the_drift_section_and_is_written_to_the_out_file()
    {
        using var temp = new TempFolder();
        string shifted = Path.Combine(temp.Path, "shifted.csv"), out1 = Path.Combine(temp.Path, "ds.md"), out2 = Path.Combine(temp.Path, "bm.md");
        var lines = File.ReadAllLines(Background);
        int duration = lines[0].Split(',').ToList().IndexOf("duration");
        File.WriteAllLines(shifted, [lines[0], .. lines.Skip(1).Take(100).Select(line =>
        {
            var cells = line.Split(',');
            cells[duration] = "48";
            return string.Join(',', cells);
        })]);

        var ds = CliRun.Of("report", "--model", Model, "--data", shifted, "--compare", Background, "--audience", "data-scientist", "--format", "md", "--out", out1);
        var bm = CliRun.Of("report", "--model", Model, "--data", shifted, "--compare", Background, "--audience", "business-manager", "--format", "markdown", "--out", out2);

        Assert.Equal((0, "", ""), (ds.Code, ds.Error, ds.Output));
        Assert.Equal((0, ""), (bm.Code, bm.Error));
        string scientist = File.ReadAllText(out1), manager = File.ReadAllText(out2);
        Assert.Contains("## Attribution drift", scientist, StringComparison.Ordinal);
        Assert.Contains("baseline of 200 rows against current of 100 rows", scientist, StringComparison.Ordinal);
        Assert.Contains("| **Loan duration** |", scientist, StringComparison.Ordinal);
        Assert.Contains("## What this report leaves out", scientist, StringComparison.Ordinal);
        Assert.Contains("## What changed since the earlier period", manager, StringComparison.Ordinal);
        Assert.Contains("- Loan duration weighs ", manager, StringComparison.Ordinal);
        Assert.Contains("(200 cases earlier against 100 cases now)", manager, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("customer", "html", "error: audience 'customer' has no report; expected one of: data-scientist, business-manager")]
    [InlineData("data-scientist", "text", "error: unknown format 'text'; expected one of: html, md")]
    public void An_audience_without_a_report_or_an_unknown_format_exits_2_naming_the_allowed_values(string audience, string format, string message)
    {
        var run = CliRun.Of("report", "--model", Model, "--data", Background, "--audience", audience, "--format", format);

        Assert.Equal(2, run.Code);
        Assert.Equal(message, run.Error.Trim());
    }

    [Theory]
    [InlineData("--interactions", "-1", "error: --interactions must be 0 or more, got -1")]
    [InlineData("--change", "-10%", "error: --change must be from 0 to 100 (10,000%), got '-10%'")]
    [InlineData("--psi", "-5%", "error: --psi expects a number such as 0.2, got '-5%'")]
    [InlineData("--psi", "1e308", "error: --psi must be from 0 to 100, got '1e308'")]
    [InlineData("--change", "10%", "error: --change sets when drift is flagged and there is no drift without --compare: add --compare earlier.csv, or leave --change out")]
    [InlineData("--psi", "0.1", "error: --psi sets when drift is flagged and there is no drift without --compare: add --compare earlier.csv, or leave --psi out")]
    public void A_bad_or_unused_number_exits_2_naming_the_option(string option, string value, string message)
    {
        var run = CliRun.Of("report", "--model", Model, "--data", Background, "--audience", "data-scientist", option, value);

        Assert.Equal(2, run.Code);
        Assert.StartsWith(message, run.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_no_parquet_is_refused_naming_it()
    {
        using var temp = new TempFolder();
        string bad = Path.Combine(temp.Path, "rows.parquet");
        File.WriteAllText(bad, "not parquet");

        var run = CliRun.Of("summarize", "--model", Model, "--input", bad);

        Assert.Equal(2, run.Code);
        Assert.StartsWith($"error: {bad} cannot be read as Parquet", run.Error, StringComparison.Ordinal);
    }
}
