using Npgsql;

namespace Explainability.Server.Ledger;

/// <summary>
/// The ledger in a PostgreSQL database (Npgsql), which several server replicas share: the same records and semantics as
/// <see cref="SqliteExplanationLedger"/>, written and read through <see cref="LedgerRows"/>. Each append is one
/// transaction on a pooled connection, committed with <c>synchronous_commit=on</c> (set on every connection), so an
/// acknowledged append is in the server's write-ahead log on disk and a failed one leaves nothing. Explanation ids are the
/// primary key, so no id is recorded twice whichever replica served it; view sequences and the explanations' order come
/// from identity columns, so replicas never hand out the same sequence (they increase over the whole ledger, in the order
/// the database assigned them, which across replicas need not be commit order).
/// </summary>
/// <remarks>
/// Schema version <see cref="SchemaVersion"/>, created when absent by whichever replica opens it first (under a
/// transaction-scoped advisory lock, so replicas starting at once neither race on <c>CREATE TABLE</c> nor write the version
/// twice): <c>schema_version(version)</c>; <c>explanations(seq, id, recorded_at, client, model_id, model_version, method,
/// record)</c>; <c>views(seq, explanation_id, audience, language, format, recorded_at, record)</c>. The tables go into the
/// first schema of the connection's search path (<c>Search Path=...</c>; <c>public</c> by default), which must exist.
/// A commit whose answer is lost (the connection breaks during it) is reported as a failure, although the database may have
/// stored it: such a record was not acknowledged, so it may be in the ledger without having been served, never the reverse.
/// </remarks>
public sealed class PostgresExplanationLedger : IExplanationLedger, IRowQueries
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Key of the advisory lock held while the schema is created or checked ("EXLEDGER" in ASCII).</summary>
    private const long SchemaLockKey = 0x45584C4544474552;

    private readonly NpgsqlDataSource _source;
    private volatile bool _disposed;

    private PostgresExplanationLedger(NpgsqlDataSource source, string location)
    {
        _source = source;
        Location = location;
    }

    /// <inheritdoc />
    /// <remarks><c>postgresql://USER@HOST:PORT/DATABASE</c> with the search path when set; never the password.</remarks>
    public string Location { get; }

    /// <summary>
    /// Opens the ledger in the database <paramref name="connectionString"/> names, creating its tables when absent. The
    /// password may come from the connection string, <c>PGPASSWORD</c> or a password file (<c>PGPASSFILE</c>,
    /// <c>~/.pgpass</c>), as Npgsql reads them; timeouts are the connection string's (<c>Timeout</c> to connect,
    /// <c>Command Timeout</c> per statement).
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=ledger;Username=explainability</c>.</param>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    /// <exception cref="InvalidDataException">The database holds a ledger of another schema version; the message names it.</exception>
    /// <exception cref="LedgerUnavailableException">The database cannot be reached, refuses the login, or the tables cannot be
    /// created; the message names host, port, database and user, never the password.</exception>
    public static PostgresExplanationLedger Open(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlDataSource? source = PostgresSource.Build(connectionString, "ledger", "explainability-ledger", out string location);
        try
        {
            using (var connection = source.OpenConnection())
            {
                CreateOrCheckSchema(connection, location);
            }

            var ledger = new PostgresExplanationLedger(source, location);
            source = null;
            return ledger;
        }
        catch (NpgsqlException e)
        {
            throw new LedgerUnavailableException($"the ledger {location} cannot be opened: {e.Message}", e);
        }
        catch (TimeoutException e)
        {
            throw new LedgerUnavailableException($"the ledger {location} cannot be opened: {e.Message}", e);
        }
        catch (FormatException e)
        {
            // Npgsql reads the password file (Passfile, PGPASSFILE, ~/.pgpass) when it connects; its message names no entry.
            throw new LedgerUnavailableException($"the ledger {location} cannot be opened: its password file cannot be read: {e.Message}", e);
        }
        finally
        {
            source?.Dispose();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<long> Append(IReadOnlyList<LedgerRecord> explanations, IReadOnlyList<LedgerViewRecord> views)
    {
        ArgumentNullException.ThrowIfNull(explanations);
        ArgumentNullException.ThrowIfNull(views);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var connection = _source.OpenConnection();
            using var transaction = connection.BeginTransaction();
            foreach (var e in explanations)
            {
                using var insert = new NpgsqlCommand(LedgerRows.InsertExplanation, connection, transaction);
                LedgerRows.BindExplanation(insert, e);
                insert.ExecuteNonQuery();
            }

            var sequences = new List<long>(views.Count);
            foreach (var v in views)
            {
                using var insert = new NpgsqlCommand(LedgerRows.InsertView, connection, transaction);
                LedgerRows.BindView(insert, v);
                sequences.Add((long)insert.ExecuteScalar()!);
            }

            transaction.Commit();
            return sequences;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new LedgerUnavailableException($"the ledger could not record the call, so it was not answered: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void AppendReport(LedgerReportRecord report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var connection = _source.OpenConnection();
            using var insert = new NpgsqlCommand(LedgerRows.InsertReport, connection);
            LedgerRows.BindReport(insert, report);
            insert.ExecuteNonQuery(); // one statement: its own transaction, durable at commit (synchronous_commit on)
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new LedgerUnavailableException($"the ledger could not record the report, so it was not answered: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public LedgerReportRecord? FindReport(string id) => LedgerRows.FindReport(this, id);

    /// <inheritdoc />
    public LedgerRecord? Find(string id) => LedgerRows.Find(this, id);

    /// <inheritdoc />
    public IReadOnlyList<LedgerViewRecord> ViewsOf(string id) => LedgerRows.ViewsOf(this, id);

    /// <inheritdoc />
    public IReadOnlyList<LedgerRecord> Recent(int limit) => LedgerRows.Recent(this, limit, "seq");

    /// <inheritdoc />
    public long Count() => LedgerRows.Count(this);

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

    List<T> IRowQueries.Query<T>(string sql, Action<System.Data.Common.DbCommand> bind, Func<System.Data.Common.DbDataReader, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var connection = _source.OpenConnection();
            using var command = new NpgsqlCommand(sql, connection);
            bind(command);
            return LedgerRows.ReadAll(command, read);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new LedgerUnavailableException($"the ledger cannot be read: {e.Message}", e);
        }
    }

    private static void CreateOrCheckSchema(NpgsqlConnection connection, string location) =>
        PostgresSource.CreateOrCheckSchema(connection, SchemaLockKey, """
            CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);
            CREATE TABLE IF NOT EXISTS explanations (
                seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                id text PRIMARY KEY,
                recorded_at text NOT NULL,
                client text NOT NULL,
                model_id text NOT NULL,
                model_version text NOT NULL,
                method text NOT NULL,
                record bytea NOT NULL);
            CREATE TABLE IF NOT EXISTS views (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                explanation_id text NOT NULL REFERENCES explanations(id),
                audience text NOT NULL,
                language text NOT NULL,
                format text NOT NULL,
                recorded_at text NOT NULL,
                record bytea NOT NULL);
            CREATE INDEX IF NOT EXISTS views_by_explanation ON views(explanation_id, seq);
            CREATE TABLE IF NOT EXISTS reports (
                seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                id text PRIMARY KEY,
                recorded_at text NOT NULL,
                client text NOT NULL,
                model_id text NOT NULL,
                model_version text NOT NULL,
                audience text NOT NULL,
                format text NOT NULL,
                record bytea NOT NULL);
            """, "schema_version", SchemaVersion, "ledger", location);
}
