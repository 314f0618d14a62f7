namespace Explainability.Cli.Tests;

/// <summary>One in-process run of the command line: exit code, standard output and standard error.</summary>
internal sealed record CliRun(int Code, string Output, string Error)
{
    /// <summary>Runs <see cref="CliApp.Run"/> with <paramref name="args"/> and captures its writers.</summary>
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Standard output as lines, without the empty line after the last newline.</summary>
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
