using Explainability.Server.Ledger;
using Microsoft.Data.Sqlite;

namespace Explainability.Server.Tests;

public sealed class SqliteExplanationLedgerTests : IDisposable
{
    private readonly List<string> _paths = [];

    public void Dispose()
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

    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

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
    public void A_reopened_ledger_returns_the_same_bytes_views_in_order_and_recent_newest_first()
    {
        string path = NewLedgerPath();
        var a = Record("a", T0);
        var b = Record("b", T0.AddTicks(1234567));
        IReadOnlyList<long> sequences;
        using (var ledger = SqliteExplanationLedger.Open(path))
        {
            sequences = ledger.Append([a, b], [View(a.Id, "customer", 1), View(b.Id, "data-scientist", 2), View(a.Id, "fraud-analyst", 3)]);
            ledger.Append([], [View(b.Id, "customer", 4)]);
        }

        using var reopened = SqliteExplanationLedger.Open(path);

        Assert.Equal([1L, 2L, 3L], sequences);
        Assert.Equal(2, reopened.Count());
        var found = reopened.Find(a.Id)!;
        Assert.Equal((a.Id, a.RecordedAt, a.Client, a.ModelId, a.ModelVersion, a.Method), (found.Id, found.RecordedAt, found.Client, found.ModelId, found.ModelVersion, found.Method));
        Assert.Equal(a.Record, found.Record);
        Assert.Equal(b.RecordedAt, reopened.Find(b.Id)!.RecordedAt);
        Assert.Null(reopened.Find(new string('0', 32)));
        Assert.Equal([("customer", 1L, (byte)1), ("fraud-analyst", 3L, (byte)3)], reopened.ViewsOf(a.Id).Select(v => (v.Audience, v.Sequence, v.Record[0])));
        Assert.Equal([("data-scientist", 2L), ("customer", 4L)], reopened.ViewsOf(b.Id).Select(v => (v.Audience, v.Sequence)));
        Assert.Equal([b.Id, a.Id], reopened.Recent(10).Select(r => r.Id));
        Assert.Equal([b.Id], reopened.Recent(1).Select(r => r.Id));
        Assert.Equal("wal", Pragma(path, "journal_mode"));
        Assert.Equal(1L, Scalar(path, "SELECT version FROM schema_version;"));
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
    public void A_failed_append_stores_nothing_of_it_and_the_ledger_keeps_working()
    {
        string path = NewLedgerPath();
        using var ledger = SqliteExplanationLedger.Open(path);
        var first = Record("first", T0);
        ledger.Append([first], []);
        var fresh = Record("fresh", T0);

        // The second explanation reuses an id: the whole call is refused, the fresh one and the view included.
        var e = Assert.Throws<LedgerUnavailableException>(() => ledger.Append([fresh, first], [View(fresh.Id, "customer", 1)]));

        Assert.Contains("the ledger could not record the call, so it was not answered", e.Message, StringComparison.Ordinal);
        Assert.Contains("UNIQUE constraint failed: explanations.id", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, ledger.Count());
        Assert.Null(ledger.Find(fresh.Id));
        Assert.Empty(ledger.ViewsOf(fresh.Id));
        ledger.Append([fresh], [View(fresh.Id, "customer", 1)]);
        Assert.Equal(2, ledger.Count());
        Assert.Single(ledger.ViewsOf(fresh.Id));
    }

    [Fact]
    public void A_view_of_an_unknown_explanation_is_refused()
    {
        using var ledger = SqliteExplanationLedger.Open(NewLedgerPath());

        var e = Assert.Throws<LedgerUnavailableException>(() => ledger.Append([], [View(new string('a', 32), "customer", 1)]));

        Assert.Contains("FOREIGN KEY constraint failed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ledger_of_another_schema_version_or_a_file_that_is_not_SQLite_is_refused_naming_the_file()
    {
        string newer = NewLedgerPath();
        SqliteExplanationLedger.Open(newer).Dispose();
        Execute(newer, "UPDATE schema_version SET version = 2;");
        string text = NewLedgerPath();
        File.WriteAllText(text, "this is no database, but a text file that is long enough to hold a SQLite header and more of it.\n");

        var versionError = Assert.Throws<InvalidDataException>(() => SqliteExplanationLedger.Open(newer));
        var textError = Assert.Throws<InvalidDataException>(() => SqliteExplanationLedger.Open(text));

        Assert.Equal($"ledger {newer} has schema version 2; this server reads version 1", versionError.Message);
        Assert.StartsWith($"ledger {text} is not a SQLite database", textError.Message, StringComparison.Ordinal);
    }

    private static LedgerRecord Record(string name, DateTimeOffset at) =>
        new(ExplanationIds.New(), at, "client-" + name, "credit-risk", "1.0.0", "tree_path_dependent", [.. System.Text.Encoding.UTF8.GetBytes(name)]);

    private static LedgerViewRecord View(string id, string audience, byte marker) =>
        new(id, audience, "en", "text", T0, [marker, 0, 255]);

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
