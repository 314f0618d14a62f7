using System.Globalization;

namespace Explainability.Benchmarks;

/// <summary>
/// <c>-- --batch-input N out.csv [seed]</c>: writes <c>N</c> rows drawn with replacement (seeded, default 20260101) from the
/// shipped credit-risk model's background sample, for timing <c>explain</c> in batch mode on a large file. Rows are copied
/// as their text lines, so every value is one the model's card knows.
/// </summary>
internal static class BatchInput
{
    /// <summary>Writes the file; returns the exit code.</summary>
    public static int Write(TextWriter log, long rows, string path, int seed)
    {
        string background = Path.Combine(BenchmarkPaths.RepoRoot(), "models", "credit-risk", "background.csv");
        var lines = File.ReadAllLines(background);
        var random = new Random(seed);
        using var writer = new StreamWriter(path);
        writer.Write(lines[0]);
        writer.Write('\n');
        for (long i = 0; i < rows; i++)
        {
            writer.Write(lines[1 + random.Next(lines.Length - 1)]);
            writer.Write('\n');
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows:N0} rows resampled from {background} (seed {seed}) written to {path}"));
        return 0;
    }
}
