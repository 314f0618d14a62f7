namespace Explainability.Onnx.Tests.Support;

/// <summary>Finds the repository root: the nearest folder above the test binaries that holds Explainability.sln.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    /// <summary>A file of a shipped model, <c>models/&lt;model&gt;/&lt;file&gt;</c>.</summary>
    public static string ShippedModel(string model, string file) => System.IO.Path.Combine(Path, "models", model, file);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Explainability.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no folder above {AppContext.BaseDirectory} contains Explainability.sln");
    }
}
