namespace Explainability.Server.Auth;

/// <summary>The call carries no token, or one this server does not know or that was revoked. gRPC <c>Unauthenticated</c>, HTTP 401; the message says which, never the token text.</summary>
public sealed class UnauthenticatedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnauthenticatedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnauthenticatedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public UnauthenticatedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and the client it refused (for the log).</summary>
    public UnauthenticatedException(string message, string client)
        : base(message) => Client = client;

    /// <summary>The client the call was refused to, as the log names it: the token's client, or <c>unknown</c>.</summary>
    public string Client { get; } = CallerAccess.UnknownClient;
}
