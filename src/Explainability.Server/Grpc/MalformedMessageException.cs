namespace Explainability.Server.Grpc;

/// <summary>A request's bytes are not a message of the RPC's request type (garbage or truncated protobuf). Maps to gRPC
/// <c>InvalidArgument</c>; the message names the expected type and what the parser found.</summary>
public sealed class MalformedMessageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MalformedMessageException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MalformedMessageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MalformedMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
