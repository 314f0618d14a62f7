using System.Data.Common;
using System.Globalization;
using Explainability.Server.Ledger;
using Microsoft.Data.Sqlite;

namespace Explainability.Server.Auth;

/// <summary>
/// The consuming systems' tokens, in a SQLite file of their own (<c>tokens.db</c>, by default beside the ledger): per
/// token its public id, client name, scope, issue and revocation times, and the SHA-256 of the token text, never the text.
/// </summary>
/// <remarks>
/// Why SQLite and why a file apart from the ledger: the same embedded engine the ledger already ships, so no new
/// dependency; a transaction makes two <c>tokens issue</c> runs at once safe and a write durable when it returns
/// (<c>journal_mode=WAL</c>, <c>synchronous=FULL</c>); the server reads the record on every call (one indexed read on a
/// pooled connection, tens of microseconds), so a <c>tokens revoke</c> takes effect on the next call of a running server
/// without a reload. Apart from the ledger because tokens are configuration an administrator manages, while the ledger is
/// the append-only record of what was served (which may move to PostgreSQL), and a copy of the ledger handed to an
/// auditor must not carry credentials. Schema version <see cref="SchemaVersion"/>: <c>schema_version(version)</c>;
/// <c>tokens(id, client, sha256, models, audiences, ledger_read, issued_at, revoked_at)</c>, the same rows as
/// <see cref="PostgresTokenStore"/> (<see cref="TokenRows"/>), whose store replicas share.
/// </remarks>
public sealed class TokenStore : ITokenStore, ITokenConnections
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary><c>data/tokens.db</c> under the current directory, beside the default ledger.</summary>
    public static string DefaultPath => Path.Combine(Environment.CurrentDirectory, "data", "tokens.db");

    /// <summary>Longest client name.</summary>
    public const int MaxClientLength = 200;

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    private TokenStore(string path, string connectionString, TimeProvider time)
    {
        Location = path;
        _connectionString = connectionString;
        _time = time;
    }

    /// <inheritdoc />
    /// <remarks>The full path of the store's file.</remarks>
    public string Location { get; }

    /// <summary>
    /// Opens the store at <paramref name="path"/>. With <paramref name="create"/> a missing file (and its folder) is created
    /// with the schema; without, a missing file is an error, so a server never starts with an empty store by a typo.
    /// </summary>
    /// <param name="path">The store's file.</param>
    /// <param name="create">Whether to create a missing store (<c>tokens issue</c>).</param>
    /// <param name="time">The clock for issue and revocation times; the system's when null.</param>
    /// <exception cref="FileNotFoundException">The file does not exist and <paramref name="create"/> is false.</exception>
    /// <exception cref="InvalidDataException">The file is not a SQLite database or not a token store of this schema version.</exception>
    public static TokenStore Open(string path, bool create, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            if (!create)
            {
                throw new FileNotFoundException($"token store {full} does not exist; create it by issuing a token: tokens issue --client NAME --store {path}", full);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            Ledger.SqliteSchema.CreatePrivateFile(full);
        }

        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();

            // A file with tables but no token table (the ledger given by mistake) is refused before anything is added to it.
            if (Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table';"), CultureInfo.InvariantCulture) > 0
                && Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tokens';"), CultureInfo.InvariantCulture) == 0)
            {
                throw new InvalidDataException($"{full} is a SQLite database but not a token store (it has no tokens table); is it the ledger?");
            }

            if (!string.Equals(Scalar(connection, "PRAGMA journal_mode=WAL;") as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"token store {full} cannot use a write-ahead log; put it on a local file system");
            }

            CreateOrCheckSchema(connection, full);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 26)
        {
            // SQLITE_NOTADB
            throw new InvalidDataException($"token store {full} is not a SQLite database: {e.Message}", e);
        }

        return new TokenStore(full, connectionString, time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public NewToken Issue(string client, TokenScope scope) => TokenRows.Issue(this, client, scope, _time.GetUtcNow());

    /// <inheritdoc />
    public IReadOnlyList<IssuedToken> Revoke(string? client, string? id) => TokenRows.Revoke(this, client, id, _time.GetUtcNow(), Location);

    /// <inheritdoc />
    public IReadOnlyList<IssuedToken> List() => TokenRows.List(this);

    /// <inheritdoc />
    public IssuedToken? Find(string bearer) => TokenRows.Find(this, bearer);

    /// <summary>Nothing to release: each operation opens and closes its own (pooled) connection.</summary>
    public void Dispose()
    {
    }

    T ITokenConnections.Read<T>(Func<DbConnection, T> read)
    {
        using var connection = OpenReader();
        return read(connection);
    }

    T ITokenConnections.Write<T>(Func<DbConnection, DbTransaction, T> write)
    {
        using var connection = OpenReader();
        Execute(connection, "PRAGMA synchronous=FULL;");
        using var transaction = connection.BeginTransaction();
        var result = write(connection, transaction);
        transaction.Commit();
        return result;
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void CreateOrCheckSchema(SqliteConnection connection, string path) =>
        SqliteSchema.CreateOrCheck(connection, """
            CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS tokens (
                id TEXT PRIMARY KEY,
                client TEXT NOT NULL,
                sha256 BLOB NOT NULL,
                models TEXT NOT NULL,
                audiences TEXT NOT NULL,
                ledger_read INTEGER NOT NULL,
                issued_at TEXT NOT NULL,
                revoked_at TEXT NULL);
            CREATE INDEX IF NOT EXISTS tokens_client ON tokens (client);
            """, SchemaVersion, "token store", path);

    private static void Execute(SqliteConnection connection, string sql) => SqliteSchema.Execute(connection, sql);

    private static object? Scalar(SqliteConnection connection, string sql) => SqliteSchema.Scalar(connection, sql);
}
