using System.Globalization;
using Explainability.Core.Data;
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
/// <c>tokens(id, client, sha256, models, audiences, ledger_read, issued_at, revoked_at)</c>.
/// </remarks>
public sealed class TokenStore
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary><c>data/tokens.db</c> under the current directory, beside the default ledger.</summary>
    public static string DefaultPath => Path.Combine(Environment.CurrentDirectory, "data", "tokens.db");

    /// <summary>Longest client name.</summary>
    public const int MaxClientLength = 200;

    private const string Columns = "id, client, models, audiences, ledger_read, issued_at, revoked_at";

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    private TokenStore(string path, string connectionString, TimeProvider time)
    {
        Location = path;
        _connectionString = connectionString;
        _time = time;
    }

    /// <summary>The full path of the store's file.</summary>
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

    /// <summary>Issues a new token for <paramref name="client"/> and stores its hash; the returned text is never stored.</summary>
    /// <exception cref="ArgumentException">The client name is empty, longer than <see cref="MaxClientLength"/> or has control characters.</exception>
    public NewToken Issue(string client, TokenScope scope)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scope);
        if (client.Length == 0 || client.Length > MaxClientLength || client.Any(char.IsControl) || client.Trim() != client)
        {
            throw new ArgumentException(
                $"client name {MessageText.Quote(client)} must be 1 to {MaxClientLength} characters without control characters or surrounding spaces");
        }

        var token = new IssuedToken(BearerToken.NewId(), client, scope, _time.GetUtcNow(), null);
        string bearer = BearerToken.Create(token.Id);
        using var connection = OpenWriter();
        using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO tokens (id, client, sha256, models, audiences, ledger_read, issued_at) VALUES ($id, $client, $sha256, $models, $audiences, $ledger, $at);";
        command.Parameters.AddWithValue("$id", token.Id);
        command.Parameters.AddWithValue("$client", client);
        command.Parameters.AddWithValue("$sha256", BearerToken.Hash(bearer));
        command.Parameters.AddWithValue("$models", TokenScope.Format(scope.Models));
        command.Parameters.AddWithValue("$audiences", TokenScope.Format(scope.Audiences));
        command.Parameters.AddWithValue("$ledger", scope.LedgerRead ? 1 : 0);
        command.Parameters.AddWithValue("$at", Timestamp(token.IssuedAt));
        command.ExecuteNonQuery();
        return new NewToken(token, bearer);
    }

    /// <summary>Revokes the valid tokens with public id <paramref name="id"/>, or every valid token of <paramref name="client"/>.</summary>
    /// <param name="client">The client whose tokens to revoke, or null.</param>
    /// <param name="id">The token to revoke, or null.</param>
    /// <returns>The tokens revoked, with their revocation time.</returns>
    /// <exception cref="ArgumentException">Neither or both of the two are given.</exception>
    /// <exception cref="KeyNotFoundException">No valid token has the id or belongs to the client; the message names it.</exception>
    public IReadOnlyList<IssuedToken> Revoke(string? client, string? id)
    {
        if ((client is null) == (id is null))
        {
            throw new ArgumentException("name either the client (--client) or the token id (--id) to revoke, not both");
        }

        string at = Timestamp(_time.GetUtcNow());
        using var connection = OpenWriter();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE tokens SET revoked_at = $at WHERE revoked_at IS NULL AND {(id is null ? "client" : "id")} = $key RETURNING {Columns};";
        command.Parameters.AddWithValue("$at", at);
        command.Parameters.AddWithValue("$key", id ?? client);
        var revoked = ReadAll(command);
        if (revoked.Count == 0)
        {
            throw new KeyNotFoundException(id is null
                ? $"client {MessageText.Quote(client!)} has no valid token in {Location}"
                : $"no valid token has the id {MessageText.Quote(id)} in {Location}");
        }

        transaction.Commit();
        return revoked;
    }

    /// <summary>Every token, revoked ones included, oldest first; without secrets or hashes.</summary>
    public IReadOnlyList<IssuedToken> List()
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM tokens ORDER BY issued_at, id;";
        return ReadAll(command);
    }

    /// <summary>
    /// The stored token whose hash matches <paramref name="bearer"/> (revoked or not), or null when the text has not the
    /// token's shape, no token has its id, or the hash differs (compared in constant time).
    /// </summary>
    public IssuedToken? Find(string bearer)
    {
        ArgumentNullException.ThrowIfNull(bearer);
        if (BearerToken.IdOf(bearer) is not { } id)
        {
            return null;
        }

        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, sha256 FROM tokens WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var token = Read(reader);
        return BearerToken.Matches(bearer, (byte[])reader.GetValue(7)) ? token : null;
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private SqliteConnection OpenWriter()
    {
        var connection = OpenReader();
        Execute(connection, "PRAGMA synchronous=FULL;");
        return connection;
    }

    private static List<IssuedToken> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var tokens = new List<IssuedToken>();
        while (reader.Read())
        {
            tokens.Add(Read(reader));
        }

        return tokens;
    }

    private static IssuedToken Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        new TokenScope(reader.GetString(2).Split(','), reader.GetString(3).Split(','), reader.GetInt64(4) != 0),
        ParseTimestamp(reader.GetString(5)),
        reader.IsDBNull(6) ? null : ParseTimestamp(reader.GetString(6)));

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

    private static string Timestamp(DateTimeOffset at) => SqliteSchema.Timestamp(at);

    private static DateTimeOffset ParseTimestamp(string text) => SqliteSchema.ParseTimestamp(text);
}
