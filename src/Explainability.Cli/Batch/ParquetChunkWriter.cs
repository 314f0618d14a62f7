using Explainability.Cli.Output;
using Parquet;
using Parquet.Schema;

namespace Explainability.Cli.Batch;

/// <summary>
/// <c>--format parquet</c>: the columns of the CSV (<see cref="ExplanationCsvWriter"/>) as a Parquet file (Parquet.Net),
/// <c>row</c> int64, <c>output</c> string, every other column double, one row group per chunk.
/// </summary>
/// <remarks>
/// <para>Each chunk opens the file, appends its row group and closes it again, which writes the footer anew: after every
/// chunk the file is a complete Parquet file, and its length is what the progress file records. Appending writes the new
/// row group over the old footer, so a kill in the middle of a chunk leaves neither file; therefore, once a chunk is on
/// disk, its footer (the bytes from the footer's start to the end of the file) is also copied to
/// <c>&lt;out&gt;.footer-&lt;length&gt;</c>, before the progress file records that length. A resumed run cuts the file back to
/// the recorded length and writes that footer copy back in place, which restores the file exactly as the finished chunk
/// left it, then appends as an uninterrupted run does, so the two files are byte-identical.</para>
/// <para>A folder of part files would need no footer copy but is no single file to hand on; rewriting the footer of a few
/// hundred row groups costs little next to a chunk's SHAP values.</para>
/// </remarks>
internal sealed class ParquetChunkWriter : IChunkWriter
{
    private readonly string _path;
    private readonly bool _withStandardErrors;
    private long _length;

    /// <summary>Continues <paramref name="path"/> from <paramref name="length"/> bytes (0: a new file).</summary>
    /// <exception cref="CliException">A resumed file that is shorter than its last footer's start, or whose footer copy is
    /// missing.</exception>
    public ParquetChunkWriter(string path, long length, bool withStandardErrors)
    {
        _path = path;
        _length = length;
        _withStandardErrors = withStandardErrors;
        if (length > 0)
        {
            Restore();
        }
    }

    /// <summary>The copy of the footer of <paramref name="path"/> when it was <paramref name="length"/> bytes long.</summary>
    public static string FooterCopyPath(string path, long length) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{path}.footer-{length}");

    /// <summary>Deletes the footer copies of <paramref name="path"/> but the one of <paramref name="keepLength"/> bytes (none when null).</summary>
    public static void DeleteFooterCopies(string path, long? keepLength = null)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null)
        {
            return;
        }

        string keep = keepLength is { } k ? Path.GetFileName(FooterCopyPath(path, k)) : "";
        foreach (var copy in Directory.EnumerateFiles(folder, Path.GetFileName(path) + ".footer-*"))
        {
            if (!string.Equals(Path.GetFileName(copy), keep, StringComparison.Ordinal))
            {
                File.Delete(copy);
            }
        }
    }

    /// <inheritdoc />
    public void Write(ExplainReport report, long firstRow, bool isFirstChunk) =>
        WriteAsync(report, firstRow, isFirstChunk).GetAwaiter().GetResult();

    /// <inheritdoc />
    public long Commit() => _length;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Puts the file back as the last finished chunk left it: cut to its length, that chunk's footer written back.</summary>
    private void Restore()
    {
        string copy = FooterCopyPath(_path, _length);
        if (!File.Exists(copy))
        {
            throw new CliException($"--resume: the footer copy {copy} of the finished chunks of {_path} is missing; start again without --resume");
        }

        var footer = File.ReadAllBytes(copy);
        using var file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        long footerStart = _length - footer.Length;
        if (file.Length < footerStart)
        {
            throw new CliException($"--resume: {_path} has {file.Length} bytes, fewer than the {footerStart} before the footer of the finished chunks; it was changed after the interruption: start again without --resume");
        }

        file.SetLength(_length);
        file.Seek(footerStart, SeekOrigin.Begin);
        file.Write(footer);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Copies the footer of the file (the last 8 bytes are its length, little-endian int32, and <c>PAR1</c>).</summary>
    private static void CopyFooter(FileStream file, string copy)
    {
        var end = new byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(end);
        int metadata = BitConverter.ToInt32(end, 0);
        var footer = new byte[metadata + 8];
        file.Seek(-footer.Length, SeekOrigin.End);
        file.ReadExactly(footer);
        using var target = new FileStream(copy, FileMode.Create, FileAccess.Write);
        target.Write(footer);
        target.Flush(flushToDisk: true);
    }

    /// <summary>The schema of <paramref name="report"/>'s columns, named as in the CSV header.</summary>
    public static ParquetSchema Schema(ExplainReport report, bool withStandardErrors)
    {
        var fields = new List<Field> { new DataField<long>("row"), new DataField<string>("output") };
        fields.AddRange(report.Features.Select(f => new DataField<double>(f)));
        fields.Add(new DataField<double>("base_value"));
        fields.Add(new DataField<double>("model_output"));
        if (report.Explanation.Offsets is not null)
        {
            fields.Add(new DataField<double>("offset"));
        }

        if (withStandardErrors)
        {
            fields.AddRange(report.Features.Select(f => new DataField<double>(f + "_se")));
        }

        return new ParquetSchema(fields);
    }

    private async Task WriteAsync(ExplainReport report, long firstRow, bool isFirstChunk)
    {
        var e = report.Explanation;
        // The progress file records the current length by now: older footer copies are no longer needed.
        DeleteFooterCopies(_path, isFirstChunk ? null : _length);
        var schema = Schema(report, _withStandardErrors);
        int lines = e.RowCount * e.OutputCount;
        await using var file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        AppendTarget.CutTo(file, _path, isFirstChunk ? 0 : _length);
        await using (var writer = await ParquetWriter.CreateAsync(schema, file, append: !isFirstChunk))
        {
            using var group = writer.CreateRowGroup();
            var data = schema.GetDataFields();
            int column = 0;
            await group.WriteAsync(data[column++], Column(lines, i => firstRow + (i / e.OutputCount)));
            await group.WriteAsync(data[column++], (IReadOnlyCollection<string>)[.. Enumerable.Range(0, lines).Select(i => report.OutputLabels[i % e.OutputCount])]);
            for (int f = 0; f < report.Features.Count; f++)
            {
                int feature = f;
                await group.WriteAsync(data[column++], Column(lines, i => report.Phi(i / e.OutputCount, feature, i % e.OutputCount)));
            }

            await group.WriteAsync(data[column++], Column(lines, i => e.Base(i / e.OutputCount, i % e.OutputCount)));
            await group.WriteAsync(data[column++], Column(lines, i => e.Output(i / e.OutputCount, i % e.OutputCount)));
            if (e.Offsets is not null)
            {
                await group.WriteAsync(data[column++], Column(lines, i => e.Offset(i / e.OutputCount, i % e.OutputCount)));
            }

            if (_withStandardErrors)
            {
                for (int f = 0; f < report.Features.Count; f++)
                {
                    int feature = f;
                    await group.WriteAsync(data[column++], Column(lines, i => report.StandardError(i / e.OutputCount, feature, i % e.OutputCount)));
                }
            }

            group.CompleteValidate();
        }

        file.Flush(flushToDisk: true);
        _length = file.Length;
        CopyFooter(file, FooterCopyPath(_path, _length));
    }

    /// <summary>A column of <paramref name="lines"/> values, line <c>i</c> being row <c>i / outputs</c>, output <c>i % outputs</c>.</summary>
    private static ReadOnlyMemory<T> Column<T>(int lines, Func<int, T> value)
    {
        var values = new T[lines];
        for (int i = 0; i < lines; i++)
        {
            values[i] = value(i);
        }

        return values;
    }
}
