namespace Explainability.Server.Ledger;

/// <summary>
/// The ledger cannot store or read records (disk full, file locked by another process, I/O error; a PostgreSQL database
/// that cannot be reached, refuses the login or times out). A call that had to record what it serves fails with it
/// instead of answering: nothing is acknowledged that was not recorded. gRPC <c>Unavailable</c>.
/// </summary>
public sealed class LedgerUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LedgerUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LedgerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public LedgerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
