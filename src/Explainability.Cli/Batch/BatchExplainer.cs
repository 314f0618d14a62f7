using Explainability.Cli.Output;
using Explainability.Core.Data;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;

namespace Explainability.Cli.Batch;

/// <summary>
/// Explains an input file of any length a chunk of rows at a time: reads <see cref="BatchSettings.ChunkRows"/> rows,
/// explains them (each explainer spreads the rows of a chunk over all cores), appends them to every output and, with an
/// <c>--out</c> file, records the finished chunk in the progress file (<see cref="BatchManifest"/>). Memory is bounded by a
/// chunk, whatever the file's length.
/// </summary>
/// <remarks>
/// The chunking changes no byte of the output: rows are numbered in the whole input, the header comes with the first chunk,
/// and every explainer computes a row independently of the others (the sampled methods seed each row from the seed and
/// the row's own values, <see cref="Core.Shap.KernelShap"/>), so the output equals that of one pass over all rows.
/// </remarks>
internal static class BatchExplainer
{
    /// <summary>Runs <paramref name="job"/> on <paramref name="model"/>.</summary>
    /// <param name="job">The input, outputs and settings.</param>
    /// <param name="model">The loaded model.</param>
    /// <param name="options">The explanation options (method, space, seed, ...) of every chunk.</param>
    /// <param name="standardOutput">Where the result goes without <c>--out</c>.</param>
    /// <exception cref="CliException">A resume that does not match the progress file (the message names the difference), or
    /// a refusal in a chunk after the first (the message names the chunk's input rows).</exception>
    public static void Run(BatchJob job, LoadedModel model, ExplainOptions options, TextWriter standardOutput)
    {
        var input = InputFingerprint.Of(job.InputPath);
        string? manifestPath = job.OutPath is null ? null : BatchManifest.PathFor(job.OutPath);
        var manifest = new BatchManifest(input, job.Settings, []);
        if (job.Resume)
        {
            manifest = BatchManifest.Read(manifestPath!);
            manifest.RequireSameRun(input, job.Settings, manifestPath!);
        }
        else if (manifestPath is not null)
        {
            // A fresh run starts over: the progress of an earlier one no longer describes the output.
            File.Delete(manifestPath);
        }

        var textColumns = model.Card.Features.Where(f => f.Type == "categorical").Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        using var stream = new FileStream(job.InputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var text = new StreamReader(stream);
        var reader = new CsvChunkReader(text, job.InputPath, textColumns);
        long skipped = reader.Skip(manifest.FinishedRows);
        if (skipped != manifest.FinishedRows)
        {
            throw new CliException($"--resume: {job.InputPath} has {skipped} data rows, the progress file records {manifest.FinishedRows} as explained; the input changed: start again without --resume");
        }

        // Opened once the first chunk is explained, so that a run refused for its first rows writes nothing.
        List<IChunkWriter>? writers = null;
        var last = manifest.Chunks.Count > 0 ? manifest.Chunks[^1] : new FinishedChunk(0, 0, 0);
        try
        {
            BatchProgressBar.Run(input.Bytes, manifest.FinishedRows, stream.Position, progress =>
            {
                var chunkOptions = options with { Progress = progress?.Evaluations };
                while (true)
                {
                    int index = manifest.Chunks.Count;
                    long firstRow = manifest.FinishedRows;
                    var rows = reader.ReadChunk(job.Settings.ChunkRows);
                    if (rows.RowCount == 0 && index > 0)
                    {
                        break; // The first chunk is explained even when empty, so an input without rows is refused as before.
                    }

                    var report = ExplainReport.Create(Explain(model, rows, chunkOptions, firstRow, job.Settings.ChunkRows), rows);
                    writers ??= OpenWriters(job, last, standardOutput);
                    foreach (var writer in writers)
                    {
                        writer.Write(report, firstRow, isFirstChunk: index == 0);
                    }

                    long outBytes = writers[0].Commit();
                    long viewsBytes = writers.Count > 1 ? writers[1].Commit() : 0;
                    manifest = manifest with { Chunks = [.. manifest.Chunks, new FinishedChunk(rows.RowCount, outBytes, viewsBytes)] };
                    if (manifestPath is not null)
                    {
                        manifest.Write(manifestPath);
                    }

                    progress?.ChunkDone(manifest.FinishedRows, stream.Position);
                    if (rows.RowCount < job.Settings.ChunkRows)
                    {
                        break;
                    }
                }
            });
        }
        finally
        {
            writers?.ForEach(w => w.Dispose());
        }

        if (manifestPath is not null)
        {
            File.Delete(manifestPath);
            if (job.Settings.Format == "parquet")
            {
                ParquetChunkWriter.DeleteFooterCopies(job.OutPath!);
            }
        }
    }

    /// <summary>The result writer, then the views writer when there is one; files are cut to what <paramref name="last"/> finished.</summary>
    private static List<IChunkWriter> OpenWriters(BatchJob job, FinishedChunk last, TextWriter standardOutput)
    {
        var settings = job.Settings;
        var service = new ExplanationService(ViewService.CreateDefault());
        var writers = new List<IChunkWriter>();
        try
        {
            if (settings.Format == "parquet")
            {
                writers.Add(new ParquetChunkWriter(job.OutPath!, last.OutBytes, settings.WithStandardErrors));
            }
            else
            {
                var target = job.OutPath is null ? AppendTarget.Of(standardOutput) : AppendTarget.OpenFile(job.OutPath, last.OutBytes);
                writers.Add(settings.Format == "text"
                    ? new TextViewsWriter(target, service, settings.Audiences, settings.Language)
                    : new CsvChunkWriter(target, settings.WithStandardErrors));
            }

            if (job.ViewsOut is not null)
            {
                writers.Add(new ViewsJsonlWriter(AppendTarget.OpenFile(job.ViewsOut, last.ViewsBytes), service, settings.Audiences, settings.Language));
            }
        }
        catch
        {
            writers.ForEach(w => w.Dispose());
            throw;
        }

        return writers;
    }

    /// <summary>Explains one chunk; a refusal in a chunk after the first names the chunk's rows, since the explainer numbers
    /// rows from the chunk's start.</summary>
    private static ExplainOutcome Explain(LoadedModel model, FeatureTable rows, ExplainOptions options, long firstRow, int chunkRows)
    {
        try
        {
            return ExplanationService.Explain(model, rows, options);
        }
        catch (Exception e) when (firstRow > 0 && CliApp.IsRefusal(e))
        {
            throw new CliException(
                $"input rows {firstRow} to {firstRow + rows.RowCount - 1} (a chunk of --chunk-rows {chunkRows}; row numbers below count from row {firstRow}): {CliApp.Message(e)}", e);
        }
    }
}
