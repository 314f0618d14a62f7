using System.Data.Common;
using System.Globalization;

namespace Explainability.Server.Ledger;

/// <summary>
/// What the SQLite and the PostgreSQL ledger share: the statements that write and read explanations, views and reports (plain SQL
/// both databases run, with <c>@name</c> parameters both providers bind), the binding of a record to their parameters, the
/// reading of a row back into a record, and the schema-version check. The two differ only in their tables' DDL, how they
/// order <see cref="IExplanationLedger.Recent"/>, and their connections and errors.
/// </summary>
/// <remarks>Times are stored as text, <see cref="SqliteSchema.Timestamp"/> (UTC, 100 ns), in both: PostgreSQL's
/// <c>timestamptz</c> keeps microseconds only, and a record must read back exactly as it was appended.</remarks>
internal static class LedgerRows
{
    /// <summary>Inserts one explanation; parameters bound by <see cref="BindExplanation"/>.</summary>
    public const string InsertExplanation = """
        INSERT INTO explanations (id, recorded_at, client, model_id, model_version, method, record)
        VALUES (@id, @at, @client, @model, @version, @method, @record);
        """;

    /// <summary>Inserts one view and returns its sequence (one row, one <c>bigint</c>); parameters bound by <see cref="BindView"/>.</summary>
    public const string InsertView = """
        INSERT INTO views (explanation_id, audience, language, format, recorded_at, record)
        VALUES (@id, @audience, @language, @format, @at, @record)
        RETURNING seq;
        """;

    /// <summary>The columns <see cref="ReadExplanation"/> reads, in its order.</summary>
    public const string ExplanationColumns = "id, recorded_at, client, model_id, model_version, method, record";

    /// <summary>The explanation with id <c>@id</c> (zero or one row).</summary>
    public const string SelectExplanation = $"SELECT {ExplanationColumns} FROM explanations WHERE id = @id;";

    /// <summary>The views of explanation <c>@id</c>, oldest first, as <see cref="ReadView"/> reads them.</summary>
    public const string SelectViews =
        "SELECT explanation_id, audience, language, format, recorded_at, record, seq FROM views WHERE explanation_id = @id ORDER BY seq;";

    /// <summary>Number of explanations (one row, one <c>bigint</c>).</summary>
    public const string CountExplanations = "SELECT COUNT(*) FROM explanations;";

    /// <summary>Inserts one report; parameters bound by <see cref="BindReport"/>.</summary>
    public const string InsertReport = """
        INSERT INTO reports (id, recorded_at, client, model_id, model_version, audience, format, record)
        VALUES (@id, @at, @client, @model, @version, @audience, @format, @record);
        """;

    /// <summary>The report with id <c>@id</c> (zero or one row), as <see cref="ReadReport"/> reads it.</summary>
    public const string SelectReport =
        "SELECT id, recorded_at, client, model_id, model_version, audience, format, record FROM reports WHERE id = @id;";

    /// <summary>Binds <paramref name="report"/> to the parameters of <see cref="InsertReport"/>.</summary>
    public static void BindReport(DbCommand command, LedgerReportRecord report)
    {
        Bind(command, "@id", report.Id);
        Bind(command, "@at", SqliteSchema.Timestamp(report.RecordedAt));
        Bind(command, "@client", report.Client);
        Bind(command, "@model", report.ModelId);
        Bind(command, "@version", report.ModelVersion);
        Bind(command, "@audience", report.Audience);
        Bind(command, "@format", report.Format);
        Bind(command, "@record", report.Record);
    }

    /// <summary>The report in the current row of <see cref="SelectReport"/>.</summary>
    public static LedgerReportRecord ReadReport(DbDataReader reader) => new(
        reader.GetString(0), SqliteSchema.ParseTimestamp(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetString(5), reader.GetString(6), (byte[])reader.GetValue(7));

    /// <summary>The report recorded under <paramref name="id"/>, or null (<see cref="IExplanationLedger.FindReport"/>).</summary>
    public static LedgerReportRecord? FindReport(IRowQueries ledger, string id)
    {
        var found = ledger.Query(SelectReport, command => Bind(command, "@id", id), ReadReport);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Binds <paramref name="record"/> to the parameters of <see cref="InsertExplanation"/>.</summary>
    public static void BindExplanation(DbCommand command, LedgerRecord record)
    {
        Bind(command, "@id", record.Id);
        Bind(command, "@at", SqliteSchema.Timestamp(record.RecordedAt));
        Bind(command, "@client", record.Client);
        Bind(command, "@model", record.ModelId);
        Bind(command, "@version", record.ModelVersion);
        Bind(command, "@method", record.Method);
        Bind(command, "@record", record.Record);
    }

    /// <summary>Binds <paramref name="view"/> (without its sequence, which the database assigns) to the parameters of
    /// <see cref="InsertView"/>.</summary>
    public static void BindView(DbCommand command, LedgerViewRecord view)
    {
        Bind(command, "@id", view.ExplanationId);
        Bind(command, "@audience", view.Audience);
        Bind(command, "@language", view.Language);
        Bind(command, "@format", view.Format);
        Bind(command, "@at", SqliteSchema.Timestamp(view.RecordedAt));
        Bind(command, "@record", view.Record);
    }

    /// <summary>Adds the parameter <paramref name="name"/> (with its <c>@</c>) with <paramref name="value"/>.</summary>
    public static void Bind(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>The explanation in the current row of a query of <see cref="ExplanationColumns"/>.</summary>
    public static LedgerRecord ReadExplanation(DbDataReader reader) => new(
        reader.GetString(0), SqliteSchema.ParseTimestamp(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetString(5), (byte[])reader.GetValue(6));

    /// <summary>The view in the current row of <see cref="SelectViews"/>.</summary>
    public static LedgerViewRecord ReadView(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), SqliteSchema.ParseTimestamp(reader.GetString(4)),
        (byte[])reader.GetValue(5), reader.GetInt64(6));

    /// <summary>The explanation recorded under <paramref name="id"/>, or null (<see cref="IExplanationLedger.Find"/>).</summary>
    public static LedgerRecord? Find(IRowQueries ledger, string id)
    {
        var found = ledger.Query(SelectExplanation, command => Bind(command, "@id", id), ReadExplanation);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The views of explanation <paramref name="id"/>, oldest first (<see cref="IExplanationLedger.ViewsOf"/>).</summary>
    public static IReadOnlyList<LedgerViewRecord> ViewsOf(IRowQueries ledger, string id) =>
        ledger.Query(SelectViews, command => Bind(command, "@id", id), ReadView);

    /// <summary>The <paramref name="limit"/> explanations with the highest <paramref name="order"/> (the column or expression
    /// that grows as they are recorded), newest first (<see cref="IExplanationLedger.Recent"/>).</summary>
    public static IReadOnlyList<LedgerRecord> Recent(IRowQueries ledger, int limit, string order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ledger.Query(
            $"SELECT {ExplanationColumns} FROM explanations ORDER BY {order} DESC LIMIT @limit;", command => Bind(command, "@limit", limit), ReadExplanation);
    }

    /// <summary>Number of recorded explanations (<see cref="IExplanationLedger.Count"/>).</summary>
    public static long Count(IRowQueries ledger) => ledger.Query(CountExplanations, _ => { }, reader => reader.GetInt64(0))[0];

    /// <summary>Every row of <paramref name="command"/>, read by <paramref name="read"/>.</summary>
    public static List<T> ReadAll<T>(DbCommand command, Func<DbDataReader, T> read)
    {
        using var reader = command.ExecuteReader();
        var result = new List<T>();
        while (reader.Read())
        {
            result.Add(read(reader));
        }

        return result;
    }

    /// <summary>
    /// Inside <paramref name="transaction"/>, after the tables were created if absent: writes <paramref name="version"/> into
    /// an empty <paramref name="table"/><c>(version)</c> table (<c>schema_version</c> unless a store sharing a database with
    /// another needs its own), or checks the one there.
    /// </summary>
    /// <exception cref="InvalidDataException">The database has another schema version; the message names
    /// <paramref name="what"/> and <paramref name="location"/>.</exception>
    public static void WriteOrCheckSchemaVersion(DbConnection connection, DbTransaction transaction, int version, string what, string location, string table = "schema_version")
    {
        var versions = new List<long>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT version FROM {table};";
            versions.AddRange(ReadAll(command, reader => Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)));
        }

        if (versions.Count == 0)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = string.Create(CultureInfo.InvariantCulture, $"INSERT INTO {table} (version) VALUES ({version});");
            insert.ExecuteNonQuery();
        }
        else if (versions.Count > 1 || versions[0] != version)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{what} {location} has schema version {string.Join(", ", versions)}; this server reads version {version}"));
        }
    }
}

/// <summary>A ledger's way of running one read-only query, with its own connection handling and its own translation of
/// errors into <see cref="LedgerUnavailableException"/>; what <see cref="LedgerRows"/> builds the reads on.</summary>
internal interface IRowQueries
{
    /// <summary>Runs <paramref name="sql"/> with the parameters <paramref name="bind"/> adds and reads every row with <paramref name="read"/>.</summary>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The ledger is closed.</exception>
    List<T> Query<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read);
}
