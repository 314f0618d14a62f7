using System.CommandLine;
using Explainability.Cli.Commands;
using Explainability.Onnx;
using Explainability.Server.Explaining;
using Explainability.Server.Grpc;
using Explainability.Server.Ledger;
using Explainability.Server.Models;

namespace Explainability.Cli;

/// <summary>
/// The command line: a root command built from the subcommands, and the one place where failures become exit codes.
/// Exit codes: 0 success, 2 a usage error or a failure (message on stderr). A refusal (bad input, unknown model, missing
/// file, a model ONNX Runtime disagrees with) is one line <c>error: &lt;message&gt;</c>; any other exception is a bug and is
/// reported as <c>error: internal error (&lt;type&gt;): &lt;message&gt;</c>, with the stack trace only when the environment
/// variable <c>EXPLAINABILITY_DEBUG=1</c> is set.
/// </summary>
internal static class CliApp
{
    /// <summary>Exit code for usage errors and failures.</summary>
    public const int ErrorExitCode = 2;

    /// <summary>Set to <c>1</c> to print the stack trace of an internal error.</summary>
    public const string DebugVariable = "EXPLAINABILITY_DEBUG";

    /// <summary>The subcommands; add new ones here.</summary>
    public static IReadOnlyList<ICliCommand> Commands(TextWriter output) =>
    [
        new CompareCommand(output),
        new DemoCommand(output),
        new DriftCommand(output),
        new ExplainCommand(output),
        new RenderCommand(output),
        new ReportCommand(output),
        new ServeCommand(output),
        new SummarizeCommand(output),
        new TokensCommand(output),
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
            // One line, as every other refusal: scripts read the first stderr line.
            error.WriteLine($"error: {string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))} (run with --help for usage)");
            return ErrorExitCode;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            Report(e, error, Environment.GetEnvironmentVariable(DebugVariable) == "1");
            return ErrorExitCode;
        }
    }

    /// <summary>
    /// Writes <paramref name="e"/> to <paramref name="error"/>: a refusal as <c>error: &lt;message&gt;</c>, anything else as
    /// <c>error: internal error (&lt;type&gt;): &lt;message&gt;</c>, followed by the whole exception when <paramref name="debug"/>.
    /// </summary>
    internal static void Report(Exception e, TextWriter error, bool debug)
    {
        if (IsRefusal(e))
        {
            error.WriteLine($"error: {Message(e)}");
            return;
        }

        error.WriteLine($"error: internal error ({e.GetType().Name}): {e.Message}");
        if (debug)
        {
            error.WriteLine(e.ToString());
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/> is a refusal whose message is written for the user: the domain exceptions, the
    /// product's own validation (<see cref="RequestErrors.IsOwnValidation"/>), and missing or unreadable files.
    /// </summary>
    internal static bool IsRefusal(Exception e) =>
        e is CliException or InputException or UnsupportedModelException or RuntimeDisagreementException or ModelNotFoundException
            or RequestLimitException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
            or ExplanationNotFoundException or ModelVersionUnavailableException or LedgerUnavailableException
            or Server.Auth.TokenStoreUnavailableException
        || RequestErrors.IsOwnValidation(e);

    /// <summary>The exception's message, without the " (Parameter 'name')" suffix an <see cref="ArgumentException"/> adds for code readers.</summary>
    internal static string Message(Exception e)
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
