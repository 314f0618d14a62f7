using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Xunit.Abstractions;

namespace Explainability.Cli.Tests;

/// <summary>Issue 6, item 3: <c>explain</c> in chunks (batch mode), Parquet output, views as JSON lines, and resume.</summary>
public sealed class BatchExplainTests(ITestOutputHelper log)
{
    private static readonly string CreditRisk = Path.Combine(RepoRoot.Path, "models", "credit-risk");
    private static readonly string CreditBackground = Path.Combine(CreditRisk, "background.csv");

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(200)]
    public void Chunked_csv_equals_the_single_chunk_output_byte_for_byte(int chunkRows)
    {
        using var temp = new TempFolder();
        string whole = Path.Combine(temp.Path, "whole.csv"), chunked = Path.Combine(temp.Path, "chunked.csv");

        var one = CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground, "--method", "tree_path_dependent", "--out", whole);
        var many = CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground, "--method", "tree_path_dependent", "--chunk-rows", chunkRows.ToString(CultureInfo.InvariantCulture), "--out", chunked);

        Assert.Equal((0, ""), (one.Code, one.Error));
        Assert.Equal((0, ""), (many.Code, many.Error));
        Assert.Equal(201, File.ReadAllLines(whole).Length);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(chunked));
        Assert.False(File.Exists(whole + ".progress.json"), "a finished run leaves no progress file");
    }

    [Fact]
    public void Sampled_method_in_chunks_of_2_equals_one_chunk_because_each_row_is_seeded_from_its_own_values()
    {
        using var temp = new TempFolder();
        string rows = Path.Combine(temp.Path, "rows.csv");
        File.WriteAllLines(rows, File.ReadAllLines(CreditBackground).Take(6));
        string[] args = ["explain", "--model", CreditRisk, "--input", rows, "--method", "kernel", "--nsamples", "82", "--with-se"];

        var one = CliRun.Of(args);
        var chunked = CliRun.Of([.. args, "--chunk-rows", "2"]);

        Assert.Equal(0, one.Code);
        Assert.Equal(6, one.Lines.Length);
        Assert.Equal(one.Output, chunked.Output);
    }

    [Fact]
    public async Task Parquet_has_one_row_group_per_chunk_and_reads_back_as_the_csv_values()
    {
        using var temp = new TempFolder();
        string csv = Path.Combine(temp.Path, "out.csv"), parquet = Path.Combine(temp.Path, "out.parquet");
        Assert.Equal(0, CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground, "--with-se", "--out", csv).Code);

        var run = CliRun.Of("explain", "--model", CreditRisk, "--input", CreditBackground, "--with-se", "--format", "parquet", "--chunk-rows", "7", "--out", parquet);

        Assert.Equal((0, ""), (run.Code, run.Error));
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        var expected = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        await using var reader = await ParquetReader.CreateAsync(parquet);
        Assert.Equal(header, reader.Schema.GetDataFields().Select(f => f.Name).ToArray());
        Assert.Equal(29, reader.RowGroupCount); // 200 rows in chunks of 7
        int line = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int count = checked((int)group.RowCount);
            var fields = reader.Schema.GetDataFields();
            var row = new long[count];
            await group.ReadAsync((DataField)fields[0], row.AsMemory());
            var output = new string?[count];
            await group.ReadAsync((DataField)fields[1], output.AsMemory());
            var values = new double[fields.Length][];
            for (int c = 2; c < fields.Length; c++)
            {
                values[c] = new double[count];
                await group.ReadAsync(fields[c], values[c].AsMemory());
            }

            for (int i = 0; i < count; i++, line++)
            {
                Assert.Equal(expected[line][0], row[i].ToString(CultureInfo.InvariantCulture));
                Assert.Equal(expected[line][1], output[i]);
                for (int c = 2; c < fields.Length; c++)
                {
                    Assert.Equal(double.Parse(expected[line][c], CultureInfo.InvariantCulture), values[c][i]);
                }
            }
        }

        Assert.Equal(expected.Length, line);
    }

    [Fact]
    public void Views_out_writes_one_json_line_per_row_and_audience_with_the_text_view_and_its_omissions()
    {
        using var temp = new TempFolder();
        string rows = Path.Combine(temp.Path, "rows.csv"), csv = Path.Combine(temp.Path, "out.csv"), views = Path.Combine(temp.Path, "views.jsonl");
        File.WriteAllLines(rows, File.ReadAllLines(CreditBackground).Take(4));
        var text = CliRun.Of("explain", "--model", CreditRisk, "--input", rows, "--audience", "business-manager");

        var run = CliRun.Of("explain", "--model", CreditRisk, "--input", rows, "--out", csv, "--views-out", views, "--audience", "data-scientist,business-manager", "--chunk-rows", "2");

        Assert.Equal((0, ""), (run.Code, run.Error));
        var lines = File.ReadAllLines(views);
        Assert.Equal(6, lines.Length); // 3 rows x 2 audiences
        var objects = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([0L, 0, 1, 1, 2, 2], objects.Select(o => o.GetProperty("row").GetInt64()));
        Assert.Equal(["data-scientist", "business-manager"], objects.Take(2).Select(o => o.GetProperty("audience").GetString()));
        Assert.All(objects, o => Assert.Equal("en", o.GetProperty("language").GetString()));
        // The business manager's view is the one --format text prints, and it records what it leaves out.
        var printed = text.Output.Split("--- credit-risk row 1 - business-manager ---\n")[1].Split("\n\n---")[0];
        Assert.Equal(printed.TrimEnd(), objects[3].GetProperty("text").GetString()!.TrimEnd());
        var omissions = objects[3].GetProperty("omissions");
        Assert.True(omissions.GetArrayLength() > 0);
        Assert.All(omissions.EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("kind").GetString())));
    }

    [Fact]
    public void A_refusal_in_a_later_chunk_names_its_input_rows_and_a_resume_with_other_options_is_refused_naming_the_difference()
    {
        using var temp = new TempFolder();
        string rows = Path.Combine(temp.Path, "rows.csv"), csv = Path.Combine(temp.Path, "out.csv");
        var lines = File.ReadAllLines(CreditBackground).Take(41).ToArray();
        int purpose = Array.IndexOf(lines[0].Split(','), "purpose");
        var bad = lines[33].Split(',');
        bad[purpose] = "spaceship";
        lines[33] = string.Join(',', bad);
        File.WriteAllLines(rows, lines);
        string[] Args(string model = "credit-risk", string method = "tree_path_dependent", string chunkRows = "10") =>
            ["explain", "--model", Path.Combine(RepoRoot.Path, "models", model), "--input", rows, "--method", method, "--chunk-rows", chunkRows, "--out", csv];

        var failed = CliRun.Of(Args());

        Assert.Equal(2, failed.Code);
        Assert.StartsWith("error: input rows 30 to 39 (a chunk of --chunk-rows 10; row numbers below count from row 30): row 2: category 'spaceship' of feature 'purpose'", failed.Error);
        Assert.Equal(31, File.ReadAllLines(csv).Length); // the header and the three finished chunks
        Assert.True(File.Exists(csv + ".progress.json"));

        var otherMethod = CliRun.Of([.. Args(method: "interventional"), "--resume"]);
        Assert.Equal(2, otherMethod.Code);
        Assert.Contains("was written for method 'tree_path_dependent', this run has method 'interventional'", otherMethod.Error);

        var otherModel = CliRun.Of([.. Args(model: "card-fraud"), "--resume"]);
        Assert.Equal(2, otherModel.Code);
        Assert.Contains("was written for model 'credit-risk', this run has model 'card-fraud'", otherModel.Error);

        var otherChunks = CliRun.Of([.. Args(chunkRows: "20"), "--resume"]);
        Assert.Contains("was written for --chunk-rows 10, this run has --chunk-rows 20", otherChunks.Error);

        File.SetLastWriteTimeUtc(rows, DateTime.UtcNow.AddMinutes(1));
        var changedInput = CliRun.Of([.. Args(), "--resume"]);
        Assert.Contains("was written for input modification time", changedInput.Error);
        Assert.Equal(31, File.ReadAllLines(csv).Length); // a refused resume writes nothing
    }

    [Theory]
    [InlineData("error: --format parquet writes a binary file: name it with --out", "--format", "parquet")]
    [InlineData("error: --resume continues the --out file of an interrupted run: name it with --out", "--resume")]
    [InlineData("error: --chunk-rows applies to the batch formats csv, parquet and text; --format json is one document written in one pass", "--format", "json", "--chunk-rows", "5")]
    [InlineData("error: --views-out applies to the batch formats csv, parquet and text; --format json is one document written in one pass", "--format", "json", "--views-out", "v.jsonl")]
    [InlineData("--chunk-rows must be at least 1, got 0", "--chunk-rows", "0")]
    [InlineData("error: unknown audience 'auditor'; expected one of:", "--views-out", "v.jsonl", "--audience", "customer,auditor")]
    [InlineData("error: --resume: no progress file", "--out", "never-started.csv", "--resume")]
    public void Batch_options_that_do_not_fit_are_refused_naming_the_option(string message, params string[] extra)
    {
        using var temp = new TempFolder();
        var args = extra.Select(a => a.EndsWith(".jsonl", StringComparison.Ordinal) || a.EndsWith(".csv", StringComparison.Ordinal) ? Path.Combine(temp.Path, a) : a);

        var run = CliRun.Of(["explain", "--model", CreditRisk, "--input", CreditBackground, .. args]);

        Assert.Equal(2, run.Code);
        Assert.Contains(message, run.Error);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    public async Task Kill_9_mid_run_then_resume_finishes_with_the_bytes_of_an_uninterrupted_run(string format)
    {
        using var temp = new TempFolder();
        string rows = Path.Combine(temp.Path, "rows.csv");
        var background = File.ReadAllLines(CreditBackground);
        var random = new Random(6);
        File.WriteAllLines(rows, Enumerable.Range(0, 1000).Select(_ => background[1 + random.Next(background.Length - 1)]).Prepend(background[0]));
        string Args(string name) => $"--out|{Path.Combine(temp.Path, name + "." + format)}|--views-out|{Path.Combine(temp.Path, name + ".jsonl")}";
        string[] common = ["explain", "--model", CreditRisk, "--input", rows, "--method", "tree_path_dependent", "--format", format, "--chunk-rows", "20", "--audience", "data-scientist"];

        var whole = CliRun.Of([.. common, .. Args("whole").Split('|')]);
        Assert.Equal((0, ""), (whole.Code, whole.Error));

        string killed = Path.Combine(temp.Path, "killed." + format);
        string progress = killed + ".progress.json";
        using (var child = StartChild([.. common, .. Args("killed").Split('|')]))
        {
            var clock = Stopwatch.StartNew();
            while (FinishedChunks(progress) < 2 && !child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120))
            {
                await Task.Delay(5);
            }

            if (child.HasExited)
            {
                Assert.Fail($"the run ended before it could be killed (exit code {child.ExitCode}): {await child.StandardError.ReadToEndAsync()}");
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        int done = FinishedChunks(progress);
        log.WriteLine($"killed after {done} of 50 chunks; {killed} has {new FileInfo(killed).Length} bytes");
        Assert.InRange(done, 2, 49);
        // Whether or not the kill landed inside a chunk's write, leave the worst such state: a half-written chunk after the
        // recorded length and, for Parquet, where an append writes its row group over the old footer, that footer overwritten.
        long recorded = RecordedOutBytes(progress);
        using (var file = new FileStream(killed, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(Math.Max(file.Length, recorded));
            file.Seek(format == "parquet" ? recorded - 64 : recorded, SeekOrigin.Begin);
            file.Write(Enumerable.Repeat((byte)'x', 1000).ToArray());
        }

        var resumed = CliRun.Of([.. common, .. Args("killed").Split('|'), "--resume"]);

        Assert.Equal((0, ""), (resumed.Code, resumed.Error));
        Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Path, "whole." + format)), File.ReadAllBytes(killed));
        Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Path, "whole.jsonl")), File.ReadAllBytes(Path.Combine(temp.Path, "killed.jsonl")));
        Assert.False(File.Exists(progress));
    }

    private static long RecordedOutBytes(string progress)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(progress));
        return json.RootElement.GetProperty("chunks").EnumerateArray().Last().GetProperty("out_bytes").GetInt64();
    }

    private static int FinishedChunks(string progress)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(progress));
            return json.RootElement.GetProperty("chunks").GetArrayLength();
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return 0; // not written yet, or being renamed into place
        }
    }

    /// <summary>The built <c>explainability.dll</c> as a child process, so that a test can kill it for real.</summary>
    private static Process StartChild(string[] args) => CliProcess.Start(null, null, args);
}
