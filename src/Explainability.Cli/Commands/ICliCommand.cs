using System.CommandLine;

namespace Explainability.Cli.Commands;

/// <summary>
/// One subcommand of the CLI. Implementations build their <see cref="Command"/> with options and an action; the action
/// returns 0 on success and throws on failure, and <see cref="CliApp"/> turns exceptions into exit code 2.
/// </summary>
internal interface ICliCommand
{
    /// <summary>Builds the System.CommandLine command, with its action set.</summary>
    Command Build();
}
