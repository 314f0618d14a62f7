namespace Explainability.Server.Ledger;

/// <summary>
/// A recorded explanation was computed with a model version this server no longer has loaded, so its card and background
/// (which a view needs) are not available; the message names the model, version and hash. gRPC <c>FailedPrecondition</c>.
/// </summary>
public sealed class ModelVersionUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelVersionUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelVersionUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ModelVersionUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
