using System.CommandLine;
using Explainability.Cli.Commands;

namespace Explainability.Cli;

/// <summary>
/// The command line: a root command built from the subcommands, and the one place where failures become exit codes.
/// Exit codes: 0 success, 2 a usage error or a failure (message on stderr).
/// </summary>
internal static class CliApp
{
    /// <summary>Exit code for usage errors and failures.</summary>
    public const int ErrorExitCode = 2;

    /// <summary>The subcommands; add new ones here.</summary>
    public static IReadOnlyList<ICliCommand> Commands(TextWriter output) =>
    [
        new DemoCommand(output),
        new ExplainCommand(output),
        new ServeCommand(output),
        new TrainSamplesCommand(output),
    ];

    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand BuildRoot(TextWriter output)
    {
        var root = new RootCommand("Explainability service: SHAP explanations of ONNX models for several audiences");
        foreach (var command in Commands(output))
        {
            root.Subcommands.Add(command.Build());
        }

        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>.</summary>
    /// <returns>The exit code: the command's, or <see cref="ErrorExitCode"/> on a parse error or an exception.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parse = BuildRoot(output).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"error: {e.Message}");
            }

            error.WriteLine("Run with --help for usage.");
            return ErrorExitCode;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            error.WriteLine($"error: {Message(e)}");
            return ErrorExitCode;
        }
    }

    /// <summary>The exception's message, without the " (Parameter 'name')" suffix an <see cref="ArgumentException"/> adds for code readers.</summary>
    private static string Message(Exception e)
    {
        if (e is ArgumentException { ParamName: { } name })
        {
            string suffix = $" (Parameter '{name}')";
            if (e.Message.EndsWith(suffix, StringComparison.Ordinal))
            {
                return e.Message[..^suffix.Length];
            }
        }

        return e.Message;
    }
}
