using Explainability.Server.Ledger;

namespace Explainability.Server.Tests;

/// <summary>
/// What every <see cref="IExplanationLedger"/> must do, run against each implementation (SQLite, PostgreSQL): records read
/// back byte for byte after a reopen, views in sequence order, a failed append that leaves nothing, a refused view of an
/// unknown explanation, a refused schema version, and concurrent appends that all land with distinct sequences.
/// </summary>
public abstract class ExplanationLedgerTests : IDisposable
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Where a new, empty ledger lives (a file path, a connection string), for <see cref="Open"/>.</summary>
    protected abstract string NewLedger();

    /// <summary>Opens (creating when absent) the ledger at <paramref name="address"/>.</summary>
    protected abstract IExplanationLedger Open(string address);

    /// <summary>Sets the schema version stored in the ledger at <paramref name="address"/>, behind the ledger's back.</summary>
    protected abstract void SetSchemaVersion(string address, int version);

    /// <summary>What the database's message says when an explanation id is appended twice.</summary>
    protected abstract string DuplicateIdMessage { get; }

    /// <summary>What the database's message says when a view names no recorded explanation.</summary>
    protected abstract string UnknownExplanationMessage { get; }

    public abstract void Dispose();

    [SkippableFact]
    public void A_reopened_ledger_returns_the_same_bytes_views_in_order_and_recent_newest_first()
    {
        string address = NewLedger();
        var a = Record("a", T0);
        var b = Record("b", T0.AddTicks(1234567));
        IReadOnlyList<long> sequences;
        using (var ledger = Open(address))
        {
            sequences = ledger.Append([a, b], [View(a.Id, "customer", 1), View(b.Id, "data-scientist", 2), View(a.Id, "fraud-analyst", 3)]);
            ledger.Append([], [View(b.Id, "customer", 4)]);
        }

        using var reopened = Open(address);

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
    }

    [SkippableFact]
    public void A_failed_append_stores_nothing_of_it_and_the_ledger_keeps_working()
    {
        using var ledger = Open(NewLedger());
        var first = Record("first", T0);
        ledger.Append([first], []);
        var fresh = Record("fresh", T0);

        // The second explanation reuses an id: the whole call is refused, the fresh one and the view included.
        var e = Assert.Throws<LedgerUnavailableException>(() => ledger.Append([fresh, first], [View(fresh.Id, "customer", 1)]));

        Assert.Contains("the ledger could not record the call, so it was not answered", e.Message, StringComparison.Ordinal);
        Assert.Contains(DuplicateIdMessage, e.Message, StringComparison.Ordinal);
        Assert.Equal(1, ledger.Count());
        Assert.Null(ledger.Find(fresh.Id));
        Assert.Empty(ledger.ViewsOf(fresh.Id));
        ledger.Append([fresh], [View(fresh.Id, "customer", 1)]);
        Assert.Equal(2, ledger.Count());
        Assert.Single(ledger.ViewsOf(fresh.Id));
    }

    [SkippableFact]
    public void A_view_of_an_unknown_explanation_is_refused()
    {
        using var ledger = Open(NewLedger());

        var e = Assert.Throws<LedgerUnavailableException>(() => ledger.Append([], [View(new string('a', 32), "customer", 1)]));

        Assert.Contains(UnknownExplanationMessage, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, ledger.Count());
    }

    [SkippableFact]
    public void A_ledger_of_another_schema_version_is_refused_naming_it()
    {
        string address = NewLedger();
        string location;
        using (var ledger = Open(address))
        {
            location = ledger.Location;
        }

        SetSchemaVersion(address, 2);

        var e = Assert.Throws<InvalidDataException>(() => Open(address));

        Assert.Equal($"ledger {location} has schema version 2; this server reads version 1", e.Message);
    }

    [SkippableFact]
    public async Task Concurrent_appends_all_land_each_once_with_distinct_increasing_sequences()
    {
        using var ledger = Open(NewLedger());
        const int Callers = 6, AppendsEach = 25;

        var perCaller = await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(() =>
        {
            var appended = new List<(string Id, long Sequence)>();
            for (int i = 0; i < AppendsEach; i++)
            {
                var record = Record($"{c}-{i}", T0.AddSeconds(i));
                appended.Add((record.Id, ledger.Append([record], [View(record.Id, "customer", (byte)c)]).Single()));
            }

            return appended;
        })));

        var all = perCaller.SelectMany(a => a).ToList();
        Assert.Equal(Callers * AppendsEach, ledger.Count());
        Assert.Equal(all.Count, all.Select(a => a.Sequence).Distinct().Count());
        Assert.All(perCaller, appended => Assert.True(
            appended.Zip(appended.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence), "one caller's sequences did not increase"));
        Assert.All(all, a => Assert.Equal(a.Sequence, ledger.ViewsOf(a.Id).Single().Sequence));
    }

    [SkippableFact]
    public void A_report_reads_back_with_the_same_fields_and_bytes_and_its_id_is_recorded_once()
    {
        string address = NewLedger();
        var report = new LedgerReportRecord(new string('c', 32), T0.AddTicks(11), "risk-office", "credit-risk", "1.0.0", "data-scientist", "md", [9, 0, 255, 7]);
        using var ledger = Open(address);
        ledger.AppendReport(report);

        var found = ledger.FindReport(report.Id)!;
        Assert.Equal(report with { Record = [] }, found with { Record = [] });
        Assert.Equal(report.Record, found.Record);
        Assert.Null(ledger.FindReport(new string('d', 32)));
        Assert.Throws<LedgerUnavailableException>(() => ledger.AppendReport(report with { Format = "html" }));
        Assert.Equal("md", ledger.FindReport(report.Id)!.Format);
    }

    protected static LedgerRecord Record(string name, DateTimeOffset at) =>
        new(ExplanationIds.New(), at, "client-" + name, "credit-risk", "1.0.0", "tree_path_dependent", [.. System.Text.Encoding.UTF8.GetBytes(name)]);

    protected static LedgerViewRecord View(string id, string audience, byte marker) =>
        new(id, audience, "en", "text", T0, [marker, 0, 255]);
}
