using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Explainability.Server.Ledger;

/// <summary>What the server's SQLite files (the ledger, the token store) share: creating the tables and checking the schema
/// version, one-statement helpers, and the timestamp text.</summary>
internal static class SqliteSchema
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>
    /// Runs <paramref name="tables"/> (<c>CREATE ... IF NOT EXISTS</c>, with a <c>schema_version(version)</c> table) and
    /// writes <paramref name="version"/> into a new file or checks an existing one's, in one immediate transaction.
    /// </summary>
    /// <exception cref="InvalidDataException">The file has another schema version; the message names <paramref name="what"/>
    /// and <paramref name="path"/>.</exception>
    public static void CreateOrCheck(SqliteConnection connection, string tables, int version, string what, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, tables, transaction);
        LedgerRows.WriteOrCheckSchemaVersion(connection, transaction, version, what, path);
        transaction.Commit();
    }

    /// <summary>Runs <paramref name="sql"/> without results.</summary>
    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row of <paramref name="sql"/>.</summary>
    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>A time as stored: UTC, ISO 8601 with 100 ns precision.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>The time <see cref="Timestamp"/> wrote.</summary>
    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
