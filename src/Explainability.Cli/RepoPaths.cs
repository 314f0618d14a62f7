namespace Explainability.Cli;

/// <summary>Finds the shipped folders (<c>models/</c>) from the working directory or, failing that, beside the repository the binary was built from.</summary>
internal static class RepoPaths
{
    /// <summary>The shipped models folder: <c>./models</c> if it exists, else <c>models/</c> in the nearest ancestor of the binary that holds <c>Explainability.sln</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">Neither exists.</exception>
    public static string ModelsDirectory()
    {
        if (Directory.Exists("models"))
        {
            return Path.GetFullPath("models");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Explainability.sln")))
            {
                return Path.Combine(dir.FullName, "models");
            }
        }

        throw new DirectoryNotFoundException("no models/ folder in the working directory or above the program; pass --models");
    }
}
