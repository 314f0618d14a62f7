namespace Explainability.Cli.Batch;

/// <summary>The batch options of <c>explain</c>.</summary>
/// <param name="ChunkRows"><c>--chunk-rows</c>, or null for <see cref="Commands.ExplainCommand.DefaultChunkRows"/>.</param>
/// <param name="ViewsOut"><c>--views-out</c>: the JSON-lines file of views, or null.</param>
/// <param name="Resume"><c>--resume</c>.</param>
internal sealed record BatchOptions(int? ChunkRows, string? ViewsOut, bool Resume);
