namespace Explainability.Cli.Batch;

/// <summary>Everything that decides the bytes a batch explanation writes, recorded in its progress file so that a resumed run
/// can be refused when it would compute or write something else.</summary>
/// <param name="ModelId">The model's id.</param>
/// <param name="ModelSha256">SHA-256 of the ONNX file.</param>
/// <param name="BackgroundSha256">SHA-256 of the background table (canonical form, <c>background_sha256</c>), or null without one.</param>
/// <param name="Method">The method, resolved (the model's default when none was asked for).</param>
/// <param name="OutputSpace">The requested output space, or null for the method's default.</param>
/// <param name="NSamples">The requested sampling budget, or null for the default.</param>
/// <param name="Seed">The seed of a sampled method (the default when none was given), null for an exact method.</param>
/// <param name="Format"><c>csv</c>, <c>parquet</c> or <c>text</c>.</param>
/// <param name="WithStandardErrors">Whether <c>--with-se</c> adds the standard-error columns.</param>
/// <param name="ChunkRows">Rows per chunk.</param>
/// <param name="ViewsOut">Full path of the <c>--views-out</c> file, or null.</param>
/// <param name="Audiences">The audiences of the text or JSON-lines views, in order.</param>
/// <param name="Language">The requested language of the views, or null.</param>
internal sealed record BatchSettings(
    string ModelId,
    string ModelSha256,
    string? BackgroundSha256,
    string Method,
    string? OutputSpace,
    int? NSamples,
    int? Seed,
    string Format,
    bool WithStandardErrors,
    int ChunkRows,
    string? ViewsOut,
    IReadOnlyList<string> Audiences,
    string? Language);
