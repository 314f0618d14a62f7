namespace Explainability.Server.Grpc;

/// <summary>A request exceeds a server limit (rows per request). Maps to gRPC <c>ResourceExhausted</c>; the message names the limit and the requested amount.</summary>
public sealed class RequestLimitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RequestLimitException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RequestLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public RequestLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
