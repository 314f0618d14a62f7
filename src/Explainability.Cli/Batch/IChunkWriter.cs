using Explainability.Cli.Output;

namespace Explainability.Cli.Batch;

/// <summary>One output of a batch explanation (the result file, or the views file), written a chunk of rows at a time.</summary>
internal interface IChunkWriter : IDisposable
{
    /// <summary>Writes the rows of one chunk.</summary>
    /// <param name="report">The chunk's explanation arranged for output.</param>
    /// <param name="firstRow">The 0-based data row of the input that is the chunk's first row.</param>
    /// <param name="isFirstChunk">Whether this is the input's first chunk (the one that writes a header).</param>
    void Write(ExplainReport report, long firstRow, bool isFirstChunk);

    /// <summary>Puts everything written so far on disk and returns the output's length in bytes (0 when it is no file).</summary>
    long Commit();
}
