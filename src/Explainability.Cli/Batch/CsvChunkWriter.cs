using Explainability.Cli.Output;

namespace Explainability.Cli.Batch;

/// <summary>The CSV of <see cref="ExplanationCsvWriter"/>, a chunk at a time: the header with the first chunk, then each
/// chunk's lines with their rows numbered in the whole input, so the file equals the one a single pass writes.</summary>
internal sealed class CsvChunkWriter(AppendTarget target, bool withStandardErrors) : IChunkWriter
{
    /// <inheritdoc />
    public void Write(ExplainReport report, long firstRow, bool isFirstChunk)
    {
        if (isFirstChunk)
        {
            ExplanationCsvWriter.WriteHeader(report, target.Writer, withStandardErrors);
        }

        ExplanationCsvWriter.WriteRows(report, target.Writer, withStandardErrors, firstRow);
    }

    /// <inheritdoc />
    public long Commit() => target.Commit();

    /// <inheritdoc />
    public void Dispose() => target.Dispose();
}
