namespace Explainability.Cli.Batch;

/// <summary>A batch explanation: where to read and write, and what to compute.</summary>
/// <param name="InputPath">The CSV of rows.</param>
/// <param name="OutPath">The <c>--out</c> file, or null for standard output (no progress file, no resume).</param>
/// <param name="ViewsOut">The <c>--views-out</c> JSON-lines file, or null.</param>
/// <param name="Resume">Whether to continue an interrupted run from its progress file.</param>
/// <param name="Settings">What the run computes and how it writes it (recorded in the progress file).</param>
internal sealed record BatchJob(string InputPath, string? OutPath, string? ViewsOut, bool Resume, BatchSettings Settings);
