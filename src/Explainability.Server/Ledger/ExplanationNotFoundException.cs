namespace Explainability.Server.Ledger;

/// <summary>No explanation is recorded under a well-formed id. gRPC <c>NotFound</c>.</summary>
public sealed class ExplanationNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExplanationNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ExplanationNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ExplanationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
