namespace Explainability.Benchmarks;

/// <summary>Where the benchmarks find the repository's files (the shipped models).</summary>
internal static class BenchmarkPaths
{
    /// <summary>The folder of <c>Explainability.sln</c>: above the benchmark's binaries, else above the current directory.</summary>
    /// <exception cref="DirectoryNotFoundException">Neither is inside the repository.</exception>
    public static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Explainability.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("run from inside the repository: Explainability.sln was not found above " + AppContext.BaseDirectory);
    }
}
