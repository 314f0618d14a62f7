namespace Explainability.Cli.Batch;

/// <summary>A chunk of a batch explanation whose output is on disk.</summary>
/// <param name="Rows">Input rows it explained.</param>
/// <param name="OutBytes">Length of the <c>--out</c> file after it.</param>
/// <param name="ViewsBytes">Length of the <c>--views-out</c> file after it (0 without one).</param>
internal sealed record FinishedChunk(long Rows, long OutBytes, long ViewsBytes);
