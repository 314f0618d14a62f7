using Explainability.Cli.Output;
using Parquet;
using Parquet.Schema;

namespace Explainability.Cli.Batch;

/// <summary>
/// <c>--format parquet</c>: the columns of the CSV (<see cref="ExplanationCsvWriter"/>) as a Parquet file (Parquet.Net),
/// <c>row</c> int64, <c>output</c> string, every other column double, one row group per chunk.
/// </summary>
/// <remarks>
/// Each chunk opens the file, appends its row group and closes it again, which rewrites the footer: after every chunk the
/// file is a complete Parquet file, and its length is what the progress file records. A resumed run cuts the file back to
/// that length (dropping a half-written row group) and appends from there, doing exactly what an uninterrupted run does, so
/// the two files are byte-identical. A folder of part files would avoid rewriting the footer but is no single file to hand
/// on; the footer of a few hundred row groups costs little next to a chunk's SHAP values.
/// </remarks>
internal sealed class ParquetChunkWriter(string path, long length, bool withStandardErrors) : IChunkWriter
{
    private long _length = length;

    /// <inheritdoc />
    public void Write(ExplainReport report, long firstRow, bool isFirstChunk) =>
        WriteAsync(report, firstRow, isFirstChunk).GetAwaiter().GetResult();

    /// <inheritdoc />
    public long Commit() => _length;

    /// <inheritdoc />
    public void Dispose()
    {
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
        var schema = Schema(report, withStandardErrors);
        int lines = e.RowCount * e.OutputCount;
        await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        if (file.Length < _length)
        {
            throw new CliException($"--resume: {path} has {file.Length} bytes, fewer than the {_length} the progress file records as finished; it was changed after the interruption: start again without --resume");
        }

        file.SetLength(isFirstChunk ? 0 : _length);
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

            if (withStandardErrors)
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
