using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Explainability.Server.Ledger;

/// <summary>What the server's SQLite files (the ledger, the token store) share: creating the tables and checking the schema
/// version, one-statement helpers, and the timestamp text.</summary>
internal static class SqliteSchema
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>
    /// Creates the empty database file <paramref name="path"/> readable and writable by its owner only (<c>0600</c>) when
    /// it does not exist, so the ledger (applicants' input rows) and the token store are not world-readable whatever the
    /// umask; SQLite gives its <c>-wal</c> and <c>-shm</c> files the database file's permissions. An existing file is left
    /// as it is. Not on Windows, where the folder's ACL applies.
    /// </summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written.</exception>
    public static void CreatePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created by another process in the meantime: it is theirs to set.
        }
    }

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
