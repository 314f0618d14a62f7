using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Grpc;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.Rendering;
using Google.Protobuf;
using CoreFeatureValue = Explainability.Core.Data.FeatureValue;
using ProtoFeatureValue = Explainability.Protos.FeatureValue;

namespace Explainability.Server.Ledger;

/// <summary>
/// What is recorded, and re-rendering from the record; shared by the gRPC service and the command line. Each explained row
/// is one <c>RecordedExplanation</c> under its own id (its full-fidelity explanation, its input, who asked and when), and
/// each view served of it one <c>RecordedView</c> (the rendered text, the audience's omission entries and the complete
/// omission record). Each report served by <c>Summarize</c> or <c>Drift</c> is one <c>RecordedReport</c> under its own id.
/// Thread-safe.
/// </summary>
public sealed class LedgerService(IExplanationLedger ledger, ModelRegistry registry, ExplanationService explanations, TimeProvider? time = null)
{
    /// <summary><c>RecordedView.served_by</c> of views served by the Explain RPC.</summary>
    public const string ServedByExplain = "Explain";

    /// <summary><c>RecordedView.served_by</c> of views served by the Render RPC and the render command.</summary>
    public const string ServedByRender = "Render";

    /// <summary><c>RecordedView.served_by</c> of views served by the HTML viewer.</summary>
    public const string ServedByViewer = "Viewer";

    /// <summary><c>RecordedReport.served_by</c> of reports served by the Summarize RPC.</summary>
    public const string ServedBySummarize = "Summarize";

    /// <summary><c>RecordedReport.served_by</c> of reports served by the Drift RPC.</summary>
    public const string ServedByDrift = "Drift";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The ledger written to.</summary>
    public IExplanationLedger Ledger { get; } = ledger;

    /// <summary>Records every row of <paramref name="outcome"/> with the views served of it, in one durable transaction,
    /// and returns the row explanations to send (with their ids and <paramref name="views"/>).</summary>
    /// <param name="outcome">The explained rows.</param>
    /// <param name="views">Per row, the views served of it.</param>
    /// <param name="withStandardErrors">Whether the returned rows carry standard errors (the record always does when the method has them).</param>
    /// <param name="caller">Who asked.</param>
    /// <returns>Per row, the message to send, with <c>explanation_id</c> set.</returns>
    /// <exception cref="LedgerUnavailableException">The ledger could not record them; nothing was recorded.</exception>
    public IReadOnlyList<RowExplanation> RecordExplain(
        ExplainOutcome outcome, IReadOnlyList<IReadOnlyList<RenderedView>> views, bool withStandardErrors, LedgerCaller caller)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(caller);
        var e = outcome.Explanation;
        var model = outcome.Model;
        var at = _time.GetUtcNow();
        string stamp = SqliteExplanationLedger.FormatTimestamp(at);
        var records = new List<LedgerRecord>(e.RowCount);
        var viewRecords = new List<LedgerViewRecord>();
        var rows = new List<RowExplanation>(e.RowCount);
        for (int r = 0; r < e.RowCount; r++)
        {
            string id = ExplanationIds.New();
            var full = ProtoMapping.ToRowExplanation(outcome, r, [], withStandardErrors: true);
            full.ExplanationId = id;
            var recorded = new RecordedExplanation
            {
                ExplanationId = id,
                ModelId = model.Id,
                ModelVersion = model.Version,
                ModelSha256 = model.Sha256,
                Method = e.Method,
                OutputSpace = SpaceName(e.OutputSpace),
                Link = LinkName(e.Link),
                Explanation = full,
                Input = InputRow(outcome.Inputs, r, model),
                Client = caller.Client,
                Peer = caller.Peer,
                RecordedAt = stamp,
                ViewDataSha256 = model.ViewDataSha256,
            };
            foreach (var (key, value) in e.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                recorded.Parameters[key] = value;
            }

            recorded.OffsetInputs.Add(e.OffsetInputs ?? []);
            records.Add(new LedgerRecord(id, at, caller.Client, model.Id, model.Version, e.Method, recorded.ToByteArray()));
            foreach (var view in views[r])
            {
                viewRecords.Add(ToViewRecord(id, view, ServedByExplain, caller, at));
            }

            var served = ProtoMapping.ToRowExplanation(outcome, r, views[r], withStandardErrors);
            served.ExplanationId = id;
            rows.Add(served);
        }

        Ledger.Append(records, viewRecords);
        return rows;
    }

    /// <summary>The recorded explanation <paramref name="id"/> with every view served of it. The explanation is the stored
    /// message as written; each view is the stored message with its ledger sequence.</summary>
    /// <exception cref="ArgumentException">The id is malformed.</exception>
    /// <exception cref="ExplanationNotFoundException">No explanation has the id.</exception>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    public GetExplanationResponse Get(string id)
    {
        var record = Find(id);
        var response = new GetExplanationResponse { Explanation = RecordedExplanation.Parser.ParseFrom(record.Record) };
        response.Views.Add(Ledger.ViewsOf(record.Id).Select(ToRecordedView));
        return response;
    }

    /// <summary>The explanation recorded under <paramref name="id"/> as a message.</summary>
    /// <exception cref="ArgumentException">The id is malformed.</exception>
    /// <exception cref="ExplanationNotFoundException">No explanation has the id.</exception>
    public RecordedExplanation GetExplanation(string id) => RecordedExplanation.Parser.ParseFrom(Find(id).Record);

    /// <summary>
    /// Renders the recorded explanation <paramref name="id"/> for <paramref name="audience"/> without recomputing it: the
    /// explanation is rebuilt from the record (same numbers, parameters and input), the card and background are those of the
    /// loaded model with the recorded id, version and hash. The new view is recorded before it is returned.
    /// </summary>
    /// <param name="id">The explanation id.</param>
    /// <param name="audience">The audience.</param>
    /// <param name="language">Language code, or null for the policy's.</param>
    /// <param name="format"><c>text</c> or <c>md</c>.</param>
    /// <param name="caller">Who asked.</param>
    /// <returns>The recorded view, with its sequence.</returns>
    /// <exception cref="ArgumentException">The id is malformed, or the audience or format is unknown.</exception>
    /// <exception cref="ExplanationNotFoundException">No explanation has the id.</exception>
    /// <exception cref="ModelVersionUnavailableException">The model version it was computed with is not loaded.</exception>
    /// <exception cref="LedgerUnavailableException">The view could not be recorded; it is not returned.</exception>
    public RecordedView Render(string id, string audience, string? language, string format, LedgerCaller caller) =>
        RenderAndRecord(id, audience, language, format, caller, ServedByRender).Recorded;

    /// <summary>As <see cref="Render"/>, recorded as served by <paramref name="servedBy"/> (<see cref="ServedByRender"/>,
    /// <see cref="ServedByViewer"/>); also returns the view the template saw, for a page that draws more than the text.</summary>
    /// <exception cref="ArgumentException">The id is malformed, or the audience or format is unknown.</exception>
    /// <exception cref="ExplanationNotFoundException">No explanation has the id.</exception>
    /// <exception cref="ModelVersionUnavailableException">The model version it was computed with is not loaded.</exception>
    /// <exception cref="LedgerUnavailableException">The view could not be recorded; it is not returned.</exception>
    public (RecordedView Recorded, RenderedView View) RenderAndRecord(
        string id, string audience, string? language, string format, LedgerCaller caller, string servedBy)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Audiences.Require(audience, nameof(audience));
        explanations.Views.Renderer.RequireFormatFor(audience, format);
        var record = GetExplanation(id);
        // Held until the view is rendered: a hot reload meanwhile does not dispose the model the view is drawn from.
        using var lease = AcquireModel(record);
        var outcome = Rebuild(record, lease.Model);
        var view = explanations.Render(outcome, 0, audience, format, language);
        var at = _time.GetUtcNow();
        var stored = ToViewRecord(record.ExplanationId, view, servedBy, caller, at);
        long sequence = Ledger.Append([], [stored])[0];
        return (ToRecordedView(stored with { Sequence = sequence }), view);
    }

    /// <summary>The explanation and inputs of <paramref name="record"/> as the explanation service had them, over
    /// <paramref name="model"/>, the loaded model with the recorded id, version and SHA-256 (<see cref="AcquireModel"/>; keep
    /// its lease open while the outcome is used).</summary>
    /// <exception cref="ModelVersionUnavailableException"><paramref name="model"/> is not the recorded id, version and hash.</exception>
    public ExplainOutcome Rebuild(RecordedExplanation record, LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(model);
        RequireSameModel(record, model);
        var row = record.Explanation;
        int features = row.Attributions.Count, outputs = row.Outputs.Count;
        var shap = new double[features * outputs];
        bool hasErrors = row.Attributions.Any(a => a.StandardErrors.Count > 0);
        var errors = hasErrors ? new double[features * outputs] : null;
        for (int f = 0; f < features; f++)
        {
            for (int o = 0; o < outputs; o++)
            {
                shap[(f * outputs) + o] = row.Attributions[f].Phi[o];
                if (errors is not null)
                {
                    errors[(f * outputs) + o] = row.Attributions[f].StandardErrors[o];
                }
            }
        }

        var explanation = new Explanation
        {
            FeatureNames = [.. row.Attributions.Select(a => a.Feature)],
            OutputNames = [.. row.Outputs],
            OutputSpace = record.OutputSpace == "probability" ? OutputSpace.Probability : OutputSpace.Margin,
            Link = ParseLink(record.Link),
            Method = record.Method,
            Parameters = record.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            RowCount = 1,
            ShapValues = shap,
            BaseValues = [.. row.BaseValues],
            ModelOutputs = [.. row.ModelOutputs],
            AdditivityResiduals = [.. row.AdditivityResiduals],
            Offsets = row.Offsets.Count > 0 ? [.. row.Offsets] : null,
            OffsetInputs = record.OffsetInputs.Count > 0 ? [.. record.OffsetInputs] : null,
            StandardErrors = errors,
        };
        var inputs = RowConverter.ToTable([record.Input], model.Card, model.Onnx.OffsetColumnNames);
        double runtimeError = record.Parameters.TryGetValue("runtime_max_abs_error", out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : 0;
        return new ExplainOutcome(model, inputs, explanation, runtimeError);
    }

    /// <summary>Records a report served by <paramref name="servedBy"/> (<see cref="ServedBySummarize"/> or
    /// <see cref="ServedByDrift"/>) before it is answered: the model, method, parameters, audience, format, the rendered
    /// text as served and the report's omission entries.</summary>
    /// <param name="view">The report's view.</param>
    /// <param name="format"><c>html</c> or <c>md</c>.</param>
    /// <param name="rendered">The text served.</param>
    /// <param name="servedBy">The RPC.</param>
    /// <param name="caller">Who asked.</param>
    /// <returns>The report id.</returns>
    /// <exception cref="LedgerUnavailableException">The ledger could not record it; it must not be answered.</exception>
    public string RecordReport(Views.Reports.ReportView view, string format, string rendered, string servedBy, LedgerCaller caller)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(caller);
        var at = _time.GetUtcNow();
        var record = new RecordedReport
        {
            ReportId = ExplanationIds.New(),
            ServedBy = servedBy,
            ModelId = view.ModelId,
            ModelVersion = view.ModelVersion,
            ModelSha256 = view.ModelSha256,
            Method = view.Method,
            OutputSpace = view.OutputSpace,
            Rows = view.Rows,
            BaselineRows = view.Drift?.BaselineRows ?? 0,
            Audience = view.Audience,
            Format = format,
            Rendered = rendered,
            Client = caller.Client,
            Peer = caller.Peer,
            RecordedAt = SqliteExplanationLedger.FormatTimestamp(at),
        };
        foreach (var (key, value) in view.Parameters)
        {
            record.Parameters[key] = value;
        }

        foreach (var o in view.Omissions)
        {
            var entry = new Protos.ReportOmission { Kind = o.Kind, Description = o.Description };
            entry.Features.Add(o.Features);
            if (o.Share is { } share)
            {
                entry.Share = share;
            }

            record.Omissions.Add(entry);
        }

        Ledger.AppendReport(new LedgerReportRecord(record.ReportId, at, caller.Client, view.ModelId, view.ModelVersion, view.Audience, format, record.ToByteArray()));
        return record.ReportId;
    }

    /// <summary>The report recorded under <paramref name="id"/>, as written.</summary>
    /// <exception cref="ArgumentException">The id is malformed.</exception>
    /// <exception cref="ExplanationNotFoundException">No report has the id.</exception>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    public RecordedReport GetReport(string id)
    {
        if (!ExplanationIds.IsWellFormed(id))
        {
            throw new ArgumentException(
                $"report id {MessageText.Quote(id ?? "")} is malformed: expected the {ExplanationIds.Length} lowercase hex digits returned as report_id");
        }

        var found = Ledger.FindReport(id) ?? throw new ExplanationNotFoundException($"no report '{id}' in the ledger");
        return RecordedReport.Parser.ParseFrom(found.Record);
    }

    private LedgerRecord Find(string id) =>
        Ledger.Find(ExplanationIds.Require(id)) ?? throw new ExplanationNotFoundException($"no explanation '{id}' in the ledger");

    /// <summary>A lease on the model <paramref name="record"/> was computed with: the one served now under its id, provided it
    /// has the recorded version, ONNX SHA-256 and view data (background and reference rows). Dispose it when done.</summary>
    /// <exception cref="ModelVersionUnavailableException">No model with the id is served, or the one served is another version
    /// or has other view data; the message names both.</exception>
    public ModelLease AcquireModel(RecordedExplanation record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ModelLease lease;
        try
        {
            lease = registry.Acquire(record.ModelId);
        }
        catch (ModelNotFoundException)
        {
            RequireSameModel(record, null);
            throw;
        }

        try
        {
            RequireSameModel(record, lease.Model);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private static void RequireSameModel(RecordedExplanation record, LoadedModel? loaded)
    {
        if (loaded is null || loaded.Id != record.ModelId || loaded.Version != record.ModelVersion || loaded.Sha256 != record.ModelSha256)
        {
            string now = loaded is null ? "no model with that id is loaded" : $"the loaded one is version {loaded.Version} (sha256 {loaded.Sha256})";
            throw new ModelVersionUnavailableException(
                $"explanation '{record.ExplanationId}' was computed with model '{record.ModelId}' version {record.ModelVersion} (sha256 {record.ModelSha256}), which this server no longer has loaded ({now}); load that version to render it");
        }

        if (record.ViewDataSha256.Length > 0 && record.ViewDataSha256 != loaded.ViewDataSha256)
        {
            throw new ModelVersionUnavailableException(
                $"explanation '{record.ExplanationId}' was recorded when model '{record.ModelId}' version {record.ModelVersion} had other background or reference rows (view data sha256 {record.ViewDataSha256}, loaded {loaded.ViewDataSha256}); its views' percentiles, portfolio and similar cases would come from other data, so it is not re-rendered: load the model folder it was recorded with");
        }
    }

    private static LedgerViewRecord ToViewRecord(string id, RenderedView view, string servedBy, LedgerCaller caller, DateTimeOffset at)
    {
        var full = new FullOmissionRecord
        {
            ShareOfAbsPhiNotShown = view.FullRecord.ShareOfAbsPhiNotShown,
            Unit = view.FullRecord.Unit,
        };
        if (view.FullRecord.UnexplainedPart is double unexplained)
        {
            full.UnexplainedPart = unexplained;
        }

        full.Entries.Add(view.FullRecord.Entries.Select(ProtoMapping.ToOmissionEntry));
        var recorded = new RecordedView
        {
            ExplanationId = id,
            View = ProtoMapping.ToAudienceView(view),
            FullOmissions = full,
            ServedBy = servedBy,
            Client = caller.Client,
            Peer = caller.Peer,
            RecordedAt = SqliteExplanationLedger.FormatTimestamp(at),
        };
        return new LedgerViewRecord(id, view.Audience, view.View.Language, view.Format, at, recorded.ToByteArray());
    }

    private static RecordedView ToRecordedView(LedgerViewRecord record)
    {
        var view = RecordedView.Parser.ParseFrom(record.Record);
        view.Sequence = record.Sequence;
        return view;
    }

    /// <summary>The input row as recorded: the card's features, then the model's offset inputs; extra columns (ids, labels
    /// of a CLI file) are left out.</summary>
    private static Row InputRow(FeatureTable inputs, int r, LoadedModel model)
    {
        var row = new Row();
        foreach (string column in model.Card.Features.Select(f => f.Name).Concat(model.Onnx.OffsetColumnNames))
        {
            int c = inputs.IndexOf(column);
            if (c < 0)
            {
                continue;
            }

            CoreFeatureValue cell = inputs[r, c];
            row.Values[column] = cell.IsText ? new ProtoFeatureValue { Text = cell.Text } : new ProtoFeatureValue { Number = cell.Number };
        }

        return row;
    }

    private static string SpaceName(OutputSpace space) => space == OutputSpace.Probability ? "probability" : "margin";

    private static string LinkName(LinkFunction link) => link switch
    {
        LinkFunction.SoftmaxZero => "softmax_zero",
        _ => link.ToString().ToLowerInvariant(),
    };

    private static LinkFunction ParseLink(string name) => name switch
    {
        "identity" => LinkFunction.Identity,
        "logistic" => LinkFunction.Logistic,
        "softmax" => LinkFunction.Softmax,
        "softmax_zero" => LinkFunction.SoftmaxZero,
        "probit" => LinkFunction.Probit,
        "exp" => LinkFunction.Exp,
        _ => throw new InvalidDataException($"the recorded link '{name}' is not one this server knows"),
    };
}
