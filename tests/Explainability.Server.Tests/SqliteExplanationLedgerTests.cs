using Explainability.Server.Ledger;
using Microsoft.Data.Sqlite;

namespace Explainability.Server.Tests;

/// <summary>The shared ledger behaviour (<see cref="ExplanationLedgerTests"/>) on SQLite, and what is SQLite's own: the
/// write-ahead log, background checkpoints, and a file that is no database.</summary>
public sealed class SqliteExplanationLedgerTests : ExplanationLedgerTests
{
    private readonly List<string> _paths = [];

    protected override string DuplicateIdMessage => "UNIQUE constraint failed: explanations.id";

    protected override string UnknownExplanationMessage => "FOREIGN KEY constraint failed";

    protected override string NewLedger() => NewLedgerPath();

    protected override IExplanationLedger Open(string address) => SqliteExplanationLedger.Open(address);

    protected override void SetSchemaVersion(string address, int version) =>
        Execute(address, $"UPDATE schema_version SET version = {version};");

    public override void Dispose()
    {
        foreach (string path in _paths)
        {
            ServerFixture.DeleteFolder(Path.GetDirectoryName(path)!);
        }
    }

    private string NewLedgerPath()
    {
        string path = ServerFixture.NewLedgerPath();
        _paths.Add(path);
        return path;
    }

    [Fact]
    public void A_ledger_written_before_reports_gets_the_reports_table_on_open_and_keeps_a_report_across_reopening()
    {
        string path = NewLedgerPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                INSERT INTO schema_version (version) VALUES (1);
                CREATE TABLE explanations (id TEXT PRIMARY KEY NOT NULL, recorded_at TEXT NOT NULL, client TEXT NOT NULL,
                    model_id TEXT NOT NULL, model_version TEXT NOT NULL, method TEXT NOT NULL, record BLOB NOT NULL);
                CREATE TABLE views (seq INTEGER PRIMARY KEY AUTOINCREMENT, explanation_id TEXT NOT NULL REFERENCES explanations(id),
                    audience TEXT NOT NULL, language TEXT NOT NULL, format TEXT NOT NULL, recorded_at TEXT NOT NULL, record BLOB NOT NULL);
                """;
            create.ExecuteNonQuery();
        }

        var report = new LedgerReportRecord(new string('a', 32), T0.AddTicks(7), "risk-office", "credit-risk", "1.0.0", "business-manager", "html", [1, 2, 3]);
        using (var ledger = SqliteExplanationLedger.Open(path))
        {
            ledger.AppendReport(report);
        }

        using var reopened = SqliteExplanationLedger.Open(path);
        var found = reopened.FindReport(report.Id)!;
        Assert.Equal(report with { Record = [] }, found with { Record = [] });
        Assert.Equal(report.Record, found.Record);
        Assert.Null(reopened.FindReport(new string('b', 32)));
    }

    [Fact]
    public void The_file_uses_a_write_ahead_log_and_records_its_schema_version()
    {
        string path = NewLedgerPath();
        SqliteExplanationLedger.Open(path).Dispose();

        Assert.Equal("wal", Pragma(path, "journal_mode"));
        Assert.Equal(1L, Scalar(path, "SELECT version FROM schema_version;"));
        if (!OperatingSystem.IsWindows())
        {
            // The ledger holds applicants' input rows: readable by the server's user only, whatever the umask.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Checkpoints_run_in_the_background_and_closing_empties_the_log_into_the_file()
    {
        string path = NewLedgerPath();
        int appends = (2 * SqliteExplanationLedger.CheckpointEveryAppends) + 7;
        var ids = new List<string>();
        using (var ledger = SqliteExplanationLedger.Open(path))
        {
            long schemaOnly = new FileInfo(path).Length;
            for (int i = 0; i < appends; i++)
            {
                var record = Record(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(i));
                ids.Add(record.Id);
                ledger.Append([record], [View(record.Id, "customer", (byte)i)]);
            }

            // Automatic checkpoints are off, so the rows reach the database file (beyond its schema pages) only through
            // the background checkpoint, while the ledger is open.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (new FileInfo(path).Length <= schemaOnly && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }

            Assert.True(new FileInfo(path).Length > schemaOnly, $"the database file is still {schemaOnly} bytes: no checkpoint ran while the ledger was open");
        }

        Assert.Equal(0L, new FileInfo(path + "-wal").Exists ? new FileInfo(path + "-wal").Length : 0L);
        using var reopened = SqliteExplanationLedger.Open(path);
        Assert.Equal(appends, reopened.Count());
        Assert.All(ids, id => Assert.NotNull(reopened.Find(id)));
        Assert.Equal((byte)(appends - 1), reopened.ViewsOf(ids[^1]).Single().Record[0]);
    }

    [Fact]
    public void Under_a_steady_stream_of_appends_the_log_starts_over_instead_of_growing()
    {
        // A passive checkpoint copies only what the log held when it began; with appends arriving all the time it never
        // finds the log fully copied, SQLite never starts the log over, and the file grew with every append (538 MB after
        // 15,000 explanations in the latency benchmark). Each round's last pass holds appends back so that it does.
        string path = NewLedgerPath();
        int appends = 8 * SqliteExplanationLedger.CheckpointEveryAppends;
        const int Measured = 64; // appends before the first checkpoint round: the log's growth per append
        long logAfterFirst = 0;
        long perAppend = 0;
        long largestLog = 0;
        using (var ledger = SqliteExplanationLedger.Open(path))
        {
            for (int i = 0; i < appends; i++)
            {
                var record = Record(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(i));
                ledger.Append([record], [View(record.Id, "customer", (byte)i)]);
                long log = new FileInfo(path + "-wal").Length;
                if (i == 0)
                {
                    logAfterFirst = log;
                }
                else if (i == Measured)
                {
                    perAppend = (log - logAfterFirst) / Measured;
                }

                largestLog = Math.Max(largestLog, log);
            }
        }

        Assert.True(perAppend > 0, "the log did not grow with the appends before the first checkpoint round");
        long neverStartedOver = perAppend * appends;
        Assert.True(largestLog < neverStartedOver / 2, $"the log reached {largestLog} bytes; {appends} appends of {perAppend} bytes each, never started over, make {neverStartedOver}");
        using var reopened = SqliteExplanationLedger.Open(path);
        Assert.Equal(appends, reopened.Count());
    }

    [Fact]
    public void A_file_that_is_not_SQLite_is_refused_naming_the_file()
    {
        string text = NewLedgerPath();
        File.WriteAllText(text, "this is no database, but a text file that is long enough to hold a SQLite header and more of it.\n");

        var e = Assert.Throws<InvalidDataException>(() => SqliteExplanationLedger.Open(text));

        Assert.StartsWith($"ledger {text} is not a SQLite database", e.Message, StringComparison.Ordinal);
    }

    private static string Pragma(string path, string name) => (string)Scalar(path, $"PRAGMA {name};")!;

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
