using Explainability.Server.Explaining;
using Explainability.Server.Ledger;
using Explainability.Server.Models;
using Explainability.Views;

namespace Explainability.Cli.Tests;

public sealed class RenderCommandTests
{
    [Fact]
    public void Render_prints_the_recorded_view_and_other_audiences_and_languages_from_the_ledger_and_records_them()
    {
        using var temp = new TempFolder();
        string ledger = Path.Combine(temp.Path, "ledger.db");
        var (id, customer, top) = RecordOne(ledger, "credit-risk", 4);

        var same = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "customer");
        var dutch = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "data-scientist", "--language", "nl", "--format", "md");

        Assert.Equal((0, ""), (same.Code, same.Error));
        Assert.Equal(customer, same.Output);
        Assert.Equal((0, ""), (dutch.Code, dutch.Error));
        Assert.StartsWith("#", dutch.Output, StringComparison.Ordinal);

        // The data scientist has no Dutch template: the view is English throughout (the card's English names too), and is
        // recorded as English, the language it was shown in.
        var card = Views.ModelCards.ModelCardReader.Read(Path.Combine(RepoRoot.Path, "models", "credit-risk", "model-card.json"));
        var feature = card.Features.Single(f => f.Name == top);
        Assert.Contains(feature.DisplayName["en"], dutch.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(feature.DisplayName["nl"], dutch.Output, StringComparison.Ordinal);
        var customerDutch = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "customer", "--language", "nl-BE");
        Assert.Equal((0, ""), (customerDutch.Code, customerDutch.Error));
        Assert.Contains("Waarom", customerDutch.Output, StringComparison.Ordinal);

        using var store = SqliteExplanationLedger.Open(ledger);
        var views = store.ViewsOf(id);
        Assert.Equal(
            [("customer", "en", "text"), ("customer", "en", "text"), ("data-scientist", "en", "md"), ("customer", "nl", "text")],
            views.Select(v => (v.Audience, v.Language, v.Format)));
        var recorded = views.Select(v => Protos.RecordedView.Parser.ParseFrom(v.Record)).ToList();
        Assert.Equal(["Explain", "Render", "Render", "Render"], recorded.Select(v => v.ServedBy));
        Assert.Equal(("cli:" + Environment.UserName, "cli"), (recorded[2].Client, recorded[2].Peer));
        Assert.Equal(dutch.Output, recorded[2].View.Rendered);
    }

    [Fact]
    public void Render_refuses_a_malformed_or_unknown_id_a_missing_ledger_and_an_unknown_audience_with_exit_2()
    {
        using var temp = new TempFolder();
        string ledger = Path.Combine(temp.Path, "ledger.db");
        var (id, _, _) = RecordOne(ledger, "card-fraud", 0);
        string missing = Path.Combine(temp.Path, "none.db");
        const string Unknown = "0123456789abcdef0123456789abcdef";

        var malformed = CliRun.Of("render", "--ledger", ledger, "--id", "42", "--audience", "customer");
        var unknown = CliRun.Of("render", "--ledger", ledger, "--id", Unknown, "--audience", "customer");
        var noLedger = CliRun.Of("render", "--ledger", missing, "--id", id, "--audience", "customer");
        var audience = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "regulator");

        Assert.Equal((2, "error: explanation id '42' is malformed: expected the 32 lowercase hex digits returned as RowExplanation.explanation_id"), (malformed.Code, malformed.Error.TrimEnd()));
        Assert.Equal((2, $"error: no explanation '{Unknown}' in the ledger"), (unknown.Code, unknown.Error.TrimEnd()));
        Assert.Equal((2, $"error: no ledger at {missing}"), (noLedger.Code, noLedger.Error.TrimEnd()));
        Assert.False(File.Exists(missing));
        Assert.Equal(2, audience.Code);
        Assert.StartsWith("error: unknown audience 'regulator'", audience.Error, StringComparison.Ordinal);
        Assert.All([malformed, unknown, noLedger, audience], r => Assert.Empty(r.Output));
        using var store = SqliteExplanationLedger.Open(ledger);
        Assert.Single(store.ViewsOf(id));
    }

    [Fact]
    public void Render_prints_the_html_page_of_an_audience_that_has_one_and_refuses_html_for_others_naming_the_formats()
    {
        using var temp = new TempFolder();
        string ledger = Path.Combine(temp.Path, "ledger.db");
        var (id, _, _) = RecordOne(ledger, "credit-risk", 7);

        var manager = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "business-manager", "--format", "html");
        var scientist = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "data-scientist", "--format", "html");
        var customer = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "customer", "--format", "html");

        Assert.Equal((0, ""), (manager.Code, manager.Error));
        Assert.StartsWith("<!DOCTYPE html>", manager.Output, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"global-importance\"", manager.Output, StringComparison.Ordinal);
        Assert.Equal((0, ""), (scientist.Code, scientist.Error));
        Assert.Contains("<svg id=\"waterfall\"", scientist.Output, StringComparison.Ordinal);
        Assert.Equal(2, customer.Code);
        Assert.Equal("error: audience 'customer' has no html template (explanation.html.scriban); expected one of: text, md", customer.Error.TrimEnd());
        Assert.Empty(customer.Output);
    }

    /// <summary>A view's percentiles, portfolio and similar cases come from the model's background and reference rows:
    /// a copy of the same model version whose background has changed must not re-render an old explanation with them,
    /// while an unchanged copy elsewhere renders as the original.</summary>
    [Fact]
    public void Render_refuses_when_the_models_background_changed_since_the_explanation_was_recorded()
    {
        using var temp = new TempFolder();
        string ledger = Path.Combine(temp.Path, "ledger.db");
        var (id, customer, _) = RecordOne(ledger, "credit-risk", 3);
        string same = CopyModel(temp.Path, "same", keepBackgroundRows: null);
        string trimmed = CopyModel(temp.Path, "trimmed", keepBackgroundRows: 100);

        var unchanged = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "customer", "--models", same);
        var changed = CliRun.Of("render", "--ledger", ledger, "--id", id, "--audience", "fraud-analyst", "--models", trimmed);

        Assert.Equal((0, "", customer), (unchanged.Code, unchanged.Error, unchanged.Output));
        Assert.Equal(2, changed.Code);
        Assert.Contains("had other background or reference rows", changed.Error, StringComparison.Ordinal);
        Assert.Empty(changed.Output);
        using var store = SqliteExplanationLedger.Open(ledger);
        Assert.Equal(2, store.ViewsOf(id).Count);
    }

    private static string CopyModel(string root, string name, int? keepBackgroundRows)
    {
        string source = Path.Combine(RepoRoot.Path, "models", "credit-risk");
        string target = Path.Combine(root, name, "credit-risk");
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        if (keepBackgroundRows is int keep)
        {
            string background = Path.Combine(target, "background.csv");
            File.WriteAllLines(background, File.ReadLines(background).Take(keep + 1).ToList());
        }

        return Path.GetDirectoryName(target)!;
    }

    /// <summary>Explains one background row in process and records it with its customer view, as the Explain RPC does.</summary>
    private static (string Id, string CustomerText, string TopFeature) RecordOne(string ledgerPath, string modelId, int row)
    {
        using var registry = ModelRegistry.LoadDirectory(Path.Combine(RepoRoot.Path, "models"));
        var model = registry.Get(modelId);
        var outcome = ExplanationService.Explain(model, model.Background!.SelectRows([row]), new ExplainOptions(AllowExtraColumns: true));
        var service = new ExplanationService(ViewService.CreateDefault());
        var view = service.Render(outcome, 0, Audiences.Customer, "text");
        using var store = SqliteExplanationLedger.Open(ledgerPath);
        var rows = new LedgerService(store, registry, service).RecordExplain(outcome, [[view]], false, new LedgerCaller("test", "in-process"));
        var top = rows[0].Attributions.MaxBy(a => Math.Abs(a.Phi[0]))!.Feature;
        return (rows[0].ExplanationId, view.Rendered, top);
    }
}
