using System.Data.Common;
using Explainability.Server.Ledger;
using Npgsql;

namespace Explainability.Server.Auth;

/// <summary>
/// The token store in a PostgreSQL database (Npgsql), which several server replicas share: the same rows, hashing, scope
/// format and messages as the SQLite <see cref="TokenStore"/> (<see cref="TokenRows"/>). The server reads the token on
/// every call (one indexed read on a pooled connection), so a <c>tokens revoke --postgres</c> is refused by every replica
/// from its next call, without a restart. Writes commit with <c>synchronous_commit=on</c>.
/// </summary>
/// <remarks>
/// Schema version <see cref="SchemaVersion"/>, created when absent by whichever process opens it first (under a
/// transaction-scoped advisory lock of its own, so replicas starting at once do not race): <c>token_schema_version(version)</c>;
/// <c>tokens(id, client, sha256, models, audiences, ledger_read, issued_at, revoked_at)</c>. The tables go into the first
/// schema of the connection's search path (<c>public</c> by default), which must exist; they may sit beside the ledger's
/// (<see cref="PostgresExplanationLedger"/>), whose <c>schema_version</c> table they leave alone. Who may read the
/// database's <c>tokens</c> table sees hashes only, never a token.
/// </remarks>
public sealed class PostgresTokenStore : ITokenStore, ITokenConnections
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Key of the advisory lock held while the schema is created or checked ("EXTOKENS" in ASCII; the ledger's is
    /// "EXLEDGER").</summary>
    private const long SchemaLockKey = 0x4558544F4B454E53;

    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _time;
    private volatile bool _disposed;

    private PostgresTokenStore(NpgsqlDataSource source, string location, TimeProvider time)
    {
        _source = source;
        Location = location;
        _time = time;
    }

    /// <inheritdoc />
    /// <remarks><c>postgresql://USER@HOST:PORT/DATABASE</c> with the search path when set; never the password.</remarks>
    public string Location { get; }

    /// <summary>
    /// Opens the token store in the database <paramref name="connectionString"/> names, creating its tables when absent
    /// (an empty store refuses every token, as a SQLite store with none does). The password may come from the connection
    /// string, <c>PGPASSWORD</c> or a password file (<c>PGPASSFILE</c>, <c>~/.pgpass</c>), as Npgsql reads them.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=explainability;Username=explainability</c>.</param>
    /// <param name="time">The clock for issue and revocation times; the system's when null.</param>
    /// <exception cref="ArgumentException">The connection string is empty or malformed (the message does not repeat it).</exception>
    /// <exception cref="InvalidDataException">The database holds a token store of another schema version.</exception>
    /// <exception cref="TokenStoreUnavailableException">The database cannot be reached, refuses the login, or the tables
    /// cannot be created; the message names host, port, database and user, never the password.</exception>
    public static PostgresTokenStore Open(string connectionString, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlDataSource? source = PostgresSource.Build(connectionString, "token store", "explainability-tokens", out string location);
        try
        {
            using (var connection = source.OpenConnection())
            {
                PostgresSource.CreateOrCheckSchema(connection, SchemaLockKey, """
                    CREATE TABLE IF NOT EXISTS token_schema_version (version integer NOT NULL);
                    CREATE TABLE IF NOT EXISTS tokens (
                        id text PRIMARY KEY,
                        client text NOT NULL,
                        sha256 bytea NOT NULL,
                        models text NOT NULL,
                        audiences text NOT NULL,
                        ledger_read integer NOT NULL,
                        issued_at text NOT NULL,
                        revoked_at text NULL);
                    CREATE INDEX IF NOT EXISTS tokens_client ON tokens (client);
                    """, "token_schema_version", SchemaVersion, "token store", location);
            }

            var store = new PostgresTokenStore(source, location, time ?? TimeProvider.System);
            source = null;
            return store;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or FormatException)
        {
            // FormatException: the password file (Passfile, PGPASSFILE, ~/.pgpass) is not well-formed; its message names no entry.
            throw new TokenStoreUnavailableException($"the token store {location} cannot be opened: {e.Message}", e);
        }
        finally
        {
            source?.Dispose();
        }
    }

    /// <inheritdoc />
    public NewToken Issue(string client, TokenScope scope) => TokenRows.Issue(this, client, scope, _time.GetUtcNow());

    /// <inheritdoc />
    public IReadOnlyList<IssuedToken> Revoke(string? client, string? id) => TokenRows.Revoke(this, client, id, _time.GetUtcNow(), Location);

    /// <inheritdoc />
    public IReadOnlyList<IssuedToken> List() => TokenRows.List(this);

    /// <inheritdoc />
    public IssuedToken? Find(string bearer) => TokenRows.Find(this, bearer);

    /// <summary>Closes the pool's connections.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _source.Dispose();
    }

    T ITokenConnections.Read<T>(Func<DbConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var connection = _source.OpenConnection();
            return read(connection);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new TokenStoreUnavailableException($"the token store {Location} cannot be read: {e.Message}", e);
        }
    }

    T ITokenConnections.Write<T>(Func<DbConnection, DbTransaction, T> write)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var connection = _source.OpenConnection();
            using var transaction = connection.BeginTransaction();
            var result = write(connection, transaction);
            transaction.Commit();
            return result;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new TokenStoreUnavailableException($"the token store {Location} cannot be written: {e.Message}", e);
        }
    }
}
