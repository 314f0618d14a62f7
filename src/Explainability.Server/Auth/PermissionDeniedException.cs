namespace Explainability.Server.Auth;

/// <summary>An authenticated client asked for a model, an audience or the ledger outside its token's scope. gRPC <c>PermissionDenied</c>, HTTP 403; the message names what is not allowed.</summary>
public sealed class PermissionDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermissionDeniedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PermissionDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PermissionDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message and the client it refused (for the log).</summary>
    public PermissionDeniedException(string message, string client)
        : base(message) => Client = client;

    /// <summary>The client the call was refused to, as the log names it: the token's client, or <c>unknown</c>.</summary>
    public string Client { get; } = CallerAccess.UnknownClient;
}
