namespace Explainability.Server.Auth;

/// <summary>
/// The token store cannot be read or written: a PostgreSQL database that cannot be reached, refuses the login or times
/// out. A call whose token cannot be looked up is refused with it rather than let in: gRPC <c>Unavailable</c>. The message
/// names the database without its password, never a token.
/// </summary>
public sealed class TokenStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TokenStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TokenStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TokenStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
