namespace Explainability.Cli;

/// <summary>
/// The command line refuses to do what it was asked for a reason of its own (a busy port, an output file that would
/// overwrite an input, nothing to serve). Exit code 2 with the message; the message names the option and the value.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CliException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
