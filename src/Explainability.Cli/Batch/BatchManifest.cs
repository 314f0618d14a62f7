using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Explainability.Cli.Batch;

/// <summary>
/// The progress file of a batch explanation, <c>&lt;out&gt;.progress.json</c>: what the run is (input file, model, method
/// and every option that changes a byte of the output) and, per finished chunk, its rows and the length of each output
/// after it. Rewritten (write a temporary file, then rename it over the old one) after every chunk, once that chunk's
/// output is on disk; deleted when the run finishes.
/// </summary>
/// <param name="Input">The input file.</param>
/// <param name="Settings">What the run computes and how it writes it.</param>
/// <param name="Chunks">The finished chunks, in order.</param>
internal sealed record BatchManifest(InputFingerprint Input, BatchSettings Settings, IReadOnlyList<FinishedChunk> Chunks)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The progress file of the output <paramref name="outPath"/>.</summary>
    public static string PathFor(string outPath) => outPath + ".progress.json";

    /// <summary>Input rows the finished chunks explained.</summary>
    [JsonIgnore]
    public long FinishedRows => Chunks.Sum(c => c.Rows);

    /// <summary>Reads the progress file at <paramref name="path"/>.</summary>
    /// <exception cref="CliException">There is none, or it cannot be read as one.</exception>
    public static BatchManifest Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--resume: no progress file {path}: the run finished (its output is complete) or never wrote a chunk; run without --resume");
        }

        try
        {
            return JsonSerializer.Deserialize<BatchManifest>(File.ReadAllText(path), Json)
                ?? throw new CliException($"--resume: the progress file {path} is empty");
        }
        catch (JsonException e)
        {
            throw new CliException($"--resume: the progress file {path} is not a progress file of explain: {e.Message}", e);
        }
    }

    /// <summary>Writes this manifest to <paramref name="path"/>: to a temporary file first, renamed over the old one, so that a
    /// kill leaves either the old manifest or the new one.</summary>
    public void Write(string path)
    {
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(file, this, Json);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Refuses to resume when <paramref name="current"/> describes another run than this manifest.</summary>
    /// <exception cref="CliException">Input file, model, method or an option differs; the message names the first
    /// difference with both values.</exception>
    public void RequireSameRun(InputFingerprint input, BatchSettings current, string path)
    {
        var recorded = Compare(Input, Settings);
        var now = Compare(input, current);
        foreach (var (name, value) in recorded)
        {
            string other = now[name];
            if (!string.Equals(value, other, StringComparison.Ordinal))
            {
                throw new CliException(
                    $"--resume: the progress file {path} was written for {name} {value}, this run has {name} {other}; resuming would mix two different results in one output: run with the same options, or start again without --resume");
            }
        }
    }

    private static Dictionary<string, string> Compare(InputFingerprint input, BatchSettings settings) => new(StringComparer.Ordinal)
    {
        ["input file"] = Quote(input.Path),
        ["input size (bytes)"] = input.Bytes.ToString(CultureInfo.InvariantCulture),
        ["input modification time"] = input.ModifiedUtc.ToString("O", CultureInfo.InvariantCulture),
        ["model"] = Quote(settings.ModelId),
        ["model SHA-256"] = settings.ModelSha256,
        ["background SHA-256"] = settings.BackgroundSha256 ?? "(none)",
        ["method"] = Quote(settings.Method),
        ["output space"] = Quote(settings.OutputSpace ?? "(default)"),
        ["nsamples"] = settings.NSamples?.ToString(CultureInfo.InvariantCulture) ?? "(default)",
        ["seed"] = settings.Seed?.ToString(CultureInfo.InvariantCulture) ?? "(none)",
        ["--format"] = settings.Format,
        ["--with-se"] = settings.WithStandardErrors ? "on" : "off",
        ["--chunk-rows"] = settings.ChunkRows.ToString(CultureInfo.InvariantCulture),
        ["--views-out"] = settings.ViewsOut is null ? "(none)" : Quote(settings.ViewsOut),
        ["--audience"] = Quote(string.Join(",", settings.Audiences)),
        ["--language"] = settings.Language ?? "(default)",
    };

    private static string Quote(string value) => "'" + value + "'";
}
