using System.Text.RegularExpressions;
using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Protos;
using Explainability.Server.Auth;
using Explainability.Server.Explaining;
using Explainability.Server.Hosting;
using Explainability.Server.Ledger;
using Explainability.Server.Models;
using Explainability.Server.Summaries;
using Explainability.Views;
using Explainability.Views.Rendering;
using Grpc.Core;

namespace Explainability.Server.Grpc;

/// <summary>
/// The <c>Explainer</c> service of <c>protos/explainability.proto</c>. Validates a request before computing anything, runs
/// the same <see cref="ExplanationService"/> the CLI runs, and maps the result to messages. Every call's caller was
/// authenticated by <see cref="AuthInterceptor"/>; each method checks the models, audiences and ledger access it touches
/// against the caller's scope before anything else (<see cref="CallerAccess"/>). A call that runs a model holds a
/// <see cref="ModelLease"/> on it until it is answered, so a hot reload meanwhile (<see cref="ModelDirectoryWatcher"/>) never
/// changes or disposes the version it computes with; each request of <c>ExplainStream</c> takes its own, so a long stream
/// moves to a new version between requests. Every response names the model id, version and ONNX SHA-256 it was computed
/// with. Throws the domain's exceptions;
/// <see cref="ErrorInterceptor"/> turns them into status codes. Stateless and thread-safe.
/// </summary>
[BindServiceMethod(typeof(ExplainerGrpcService), nameof(BindService))]
public sealed partial class ExplainerGrpcService(
    ModelRegistry registry, ExplanationService explanations, ExplainabilityServerOptions options, LedgerService ledger, CallConcurrencyLimit concurrency)
    : Explainer.ExplainerBase
{
    /// <summary>Binds the generated methods with <see cref="StrictRequestBinder"/>, so that bytes which are no request
    /// message get <c>InvalidArgument</c>. Found by Grpc.AspNetCore through the attribute on this class.</summary>
    /// <param name="serviceBinder">The binder Grpc.AspNetCore passes.</param>
    /// <param name="service">Null when Grpc.AspNetCore binds (it resolves the service per call).</param>
    public static void BindService(ServiceBinderBase serviceBinder, Explainer.ExplainerBase? service) =>
        Explainer.BindService(new StrictRequestBinder(serviceBinder), service);

    /// <summary>The request header naming the consuming system, recorded in the ledger (<c>anonymous</c> without it) when
    /// authentication is off; with authentication on the token's client is recorded and the header is ignored.</summary>
    public const string ClientHeader = "client";

    /// <summary>Longest client name recorded; a longer header is cut.</summary>
    public const int MaxClientLength = BearerAuthenticator.MaxClientLength;

    /// <inheritdoc />
    /// <remarks>Only the models in the caller's scope.</remarks>
    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var scope = AuthInterceptor.Of(context).Scope;
        var response = new ListModelsResponse();
        response.Models.Add(registry.Models.Where(m => scope.AllowsModel(m.Id)).Select(ProtoMapping.ToModelInfo));
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    /// <exception cref="PermissionDeniedException">The model is outside the caller's scope (known or not).</exception>
    /// <exception cref="ModelNotFoundException">No model has the id.</exception>
    public override Task<ModelInfo> GetModel(GetModelRequest request, ServerCallContext context)
    {
        AuthInterceptor.Of(context).RequireModel(request.ModelId);
        return Task.FromResult(ProtoMapping.ToModelInfo(registry.Get(request.ModelId)));
    }

    /// <inheritdoc />
    /// <exception cref="PermissionDeniedException">The model or an audience is outside the caller's scope.</exception>
    /// <exception cref="RequestLimitException">More rows than <see cref="ExplainabilityServerOptions.MaxRowsPerRequest"/>.</exception>
    /// <exception cref="ModelNotFoundException">No model has the id.</exception>
    /// <exception cref="ArgumentException">Unknown method, output space, audience or format; or bad rows (<see cref="Onnx.InputException"/>).</exception>
    /// <exception cref="NotSupportedException">The model cannot be explained with TreeSHAP.</exception>
    /// <exception cref="LedgerUnavailableException">The ledger could not record the explanations; nothing is answered.</exception>
    /// <exception cref="OperationCanceledException">The client cancelled or its deadline passed; nothing is recorded.</exception>
    public override Task<ExplainResponse> Explain(ExplainRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Of(context);
        caller.RequireModel(request.ModelId);
        foreach (var audience in request.Audiences)
        {
            caller.RequireAudience(audience);
        }

        RequireRowLimit(request.Rows.Count);
        using var slot = concurrency.Enter(nameof(Explain));

        using var lease = registry.Acquire(request.ModelId);
        var model = lease.Model;
        string? method = ExplainMethods.Parse(request.Method);
        string format = NormalizeFormat(request.Format);
        string? language = request.Language.Length == 0 ? null : RequireLanguageCode(request.Language);
        foreach (var audience in request.Audiences)
        {
            Audiences.Require(audience, "audiences");
            // Checked before anything is computed: html only for the audiences that have an HTML template.
            explanations.Views.Renderer.RequireFormatFor(audience, format);
        }

        var rows = RowConverter.ToTable(request.Rows, model.Card, model.Onnx.OffsetColumnNames);
        var outcome = ExplanationService.Explain(model, rows, new ExplainOptions(
            method, request.OutputSpace, AllowExtraColumns: false, options.DegreeOfParallelism,
            request.HasNsamples ? request.Nsamples : null, request.HasSeed ? request.Seed : null,
            MaxModelEvaluations: options.MaxModelEvaluationsPerRequest, CancellationToken: context.CancellationToken));
        var e = outcome.Explanation;
        var response = new ExplainResponse
        {
            ModelId = model.Id,
            ModelVersion = model.Version,
            ModelSha256 = model.Sha256,
            Method = e.Method,
            OutputSpace = e.OutputSpace.ToString().ToLowerInvariant(),
            FallbackReason = e.Parameters.TryGetValue("fallback_reason", out var fallback) ? fallback : "",
        };
        ProtoMapping.AddAll(response.Parameters, e.Parameters);
        var views = new List<IReadOnlyList<RenderedView>>(e.RowCount);
        for (int r = 0; r < e.RowCount; r++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            views.Add([.. request.Audiences.Select(a => explanations.Render(outcome, r, a, format, language))]);
        }

        // Recorded before anything is answered: when the ledger fails, the call fails and nothing was served unrecorded; a
        // call cancelled or past its deadline by now is not recorded at all.
        context.CancellationToken.ThrowIfCancellationRequested();
        response.Rows.Add(ledger.RecordExplain(outcome, views, request.WithSe, Caller(context)));
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    /// <remarks>Each request is answered as <see cref="Explain"/> answers it, on the model version served when that request is
    /// read: after a hot reload the next request is computed with the new version (its response names it).</remarks>
    /// <exception cref="StreamedRequestException">A request was refused; wraps what <see cref="Explain"/> threw, naming its position.</exception>
    public override async Task ExplainStream(IAsyncStreamReader<ExplainRequest> requestStream, IServerStreamWriter<ExplainResponse> responseStream, ServerCallContext context)
    {
        int position = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            ExplainResponse response;
            try
            {
                response = await Explain(request, context);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new StreamedRequestException(position, e);
            }

            await responseStream.WriteAsync(response, context.CancellationToken);
            position++;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The id is malformed.</exception>
    /// <exception cref="ExplanationNotFoundException">No explanation has the id.</exception>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    /// <exception cref="PermissionDeniedException">The caller has no ledger-read right, or the explanation's model is outside its scope.</exception>
    public override Task<GetExplanationResponse> GetExplanation(GetExplanationRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Of(context);
        caller.RequireLedgerRead("GetExplanation");
        var response = ledger.Get(request.ExplanationId);
        caller.RequireModel(response.Explanation.ModelId);
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The id is malformed; the audience is missing or unknown; the format or language is invalid.</exception>
    /// <exception cref="ExplanationNotFoundException">No explanation has the id.</exception>
    /// <exception cref="ModelVersionUnavailableException">The model version it was computed with is no longer loaded.</exception>
    /// <exception cref="LedgerUnavailableException">The new view could not be recorded; it is not answered.</exception>
    /// <exception cref="PermissionDeniedException">The caller has no ledger-read right, or the audience or the explanation's model is outside its scope.</exception>
    public override Task<RenderResponse> Render(RenderRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Of(context);
        caller.RequireLedgerRead("Render");
        ExplanationIds.Require(request.ExplanationId);
        if (request.Audience.Length == 0)
        {
            throw new ArgumentException($"audience is required: one of {string.Join(", ", Audiences.All)}");
        }

        caller.RequireAudience(request.Audience);
        var explanation = ledger.GetExplanation(request.ExplanationId);
        caller.RequireModel(explanation.ModelId);

        string format = NormalizeFormat(request.Format);
        string? language = request.Language.Length == 0 ? null : RequireLanguageCode(request.Language);
        var recorded = ledger.Render(request.ExplanationId, request.Audience, language, format, Caller(context));
        return Task.FromResult(new RenderResponse
        {
            ExplanationId = recorded.ExplanationId,
            View = recorded.View,
            Sequence = recorded.Sequence,
            ModelId = explanation.ModelId,
            ModelVersion = explanation.ModelVersion,
            ModelSha256 = explanation.ModelSha256,
        });
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The id is malformed.</exception>
    /// <exception cref="ExplanationNotFoundException">No report has the id.</exception>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be read.</exception>
    /// <exception cref="PermissionDeniedException">The caller has no ledger-read right, or the report's model is outside its scope.</exception>
    public override Task<RecordedReport> GetReport(GetReportRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Of(context);
        caller.RequireLedgerRead("GetReport");
        var report = ledger.GetReport(request.ReportId);
        caller.RequireModel(report.ModelId);
        return Task.FromResult(report);
    }

    /// <summary>The caller as the ledger records it: the authenticated client (with authentication off the
    /// <see cref="ClientHeader"/> header, cut to <see cref="MaxClientLength"/> characters, or <c>anonymous</c>), and the gRPC peer.</summary>
    private static LedgerCaller Caller(ServerCallContext context) => new(AuthInterceptor.Of(context).Client, context.Peer ?? "");

    /// <inheritdoc />
    /// <exception cref="PermissionDeniedException">The model is outside the caller's scope.</exception>
    /// <exception cref="RequestLimitException">More rows than <see cref="ExplainabilityServerOptions.MaxRowsPerRequest"/>.</exception>
    /// <exception cref="ModelNotFoundException">No model has the id.</exception>
    /// <exception cref="ArgumentException">Fewer than two methods, an unknown or repeated method, a reference not among them,
    /// an unknown output space or format, a negative top_k, or bad rows.</exception>
    /// <exception cref="Onnx.UnsupportedModelException">A method the model cannot do.</exception>
    public override Task<CompareResponse> Compare(CompareRequest request, ServerCallContext context)
    {
        AuthInterceptor.Of(context).RequireModel(request.ModelId);
        RequireRowLimit(request.Rows.Count);
        using var slot = concurrency.Enter(nameof(Compare));

        using var lease = registry.Acquire(request.ModelId);
        var model = lease.Model;
        var methods = TechniqueComparer.ParseMethods(request.Methods);
        string? reference = TechniqueComparer.ResolveReference(methods, request.Reference);
        if (request.TopK < 0)
        {
            throw new ArgumentException($"top_k is {request.TopK}; expected 0 (the default, {Core.Comparison.TechniqueComparison.DefaultTopK}) or more");
        }

        int topK = request.TopK == 0 ? Core.Comparison.TechniqueComparison.DefaultTopK : request.TopK;
        string? format = request.Format switch
        {
            "" => null,
            "markdown" => "md",
            _ when TemplateRenderer.ComparisonFormats.Contains(request.Format, StringComparer.Ordinal) => request.Format,
            _ => throw new ArgumentException(
                $"unknown format {MessageText.Quote(request.Format)}: expected one of {string.Join(", ", TemplateRenderer.ComparisonFormats)}, or empty for no report"),
        };

        var rows = RowConverter.ToTable(request.Rows, model.Card, model.Onnx.OffsetColumnNames);
        var comparison = TechniqueComparer.Compare(model, rows, methods, reference, new ExplainOptions(
            null, request.OutputSpace, AllowExtraColumns: false, options.DegreeOfParallelism,
            request.HasNsamples ? request.Nsamples : null, request.HasSeed ? request.Seed : null,
            MaxModelEvaluations: options.MaxModelEvaluationsPerRequest, CancellationToken: context.CancellationToken), topK, cancellationToken: context.CancellationToken);

        var response = ProtoMapping.ToCompareResponse(comparison, model);
        if (format is not null)
        {
            response.Report = explanations.Views.RenderComparison(Views.Comparison.ComparisonViewBuilder.Build(comparison, model.Card), format);
            response.ReportFormat = format;
        }

        return Task.FromResult(response);
    }

    /// <inheritdoc />
    /// <exception cref="RequestLimitException">More rows than <see cref="ExplainabilityServerOptions.MaxRowsPerRequest"/>.</exception>
    /// <exception cref="ModelNotFoundException">No model has the id.</exception>
    /// <exception cref="ArgumentException">Unknown method or output space; bins or interactions out of range; interactions
    /// with a method other than tree_path_dependent; an unknown cohort column or bad rows (<see cref="Onnx.InputException"/>);
    /// a report audience without a report, an unknown report format, or a format without an audience.</exception>
    /// <exception cref="PermissionDeniedException">The model, or the audience of the report, is outside the caller's scope.</exception>
    /// <exception cref="Onnx.UnsupportedModelException">The model cannot be explained with the method.</exception>
    public override Task<SummarizeResponse> Summarize(SummarizeRequest request, ServerCallContext context)
    {
        string? format = RequireReportAccess(context, request.ModelId, request.Audience, request.Format);

        RequireRowLimit(request.Rows.Count);
        using var slot = concurrency.Enter(nameof(Summarize));
        using var lease = registry.Acquire(request.ModelId);
        var model = lease.Model;
        var rows = RowConverter.ToTable(request.Rows, model.Card, model.Onnx.OffsetColumnNames);
        var options = SummarizeOptionsOf(request.Method, request.OutputSpace, request.Bins, context);
        var outcome = SummaryService.Summarize(model, rows, options with
        {
            Interactions = request.Interactions,
            CohortColumn = request.CohortColumn.Length == 0 ? null : request.CohortColumn,
        });
        var response = SummaryProtoMapping.ToResponse(outcome);
        if (format is not null)
        {
            var view = ReportService.Build(explanations.Views, outcome, request.Audience, options.Bins);
            response.Rendered = explanations.Views.Renderer.RenderReport(view, format);
            response.ReportId = ledger.RecordReport(view, format, response.Rendered, LedgerService.ServedBySummarize, Caller(context));
        }

        return Task.FromResult(response);
    }

    /// <inheritdoc />
    /// <exception cref="PermissionDeniedException">The model, or the audience of the report, is outside the caller's scope.</exception>
    /// <exception cref="RequestLimitException">A dataset has more rows than <see cref="ExplainabilityServerOptions.MaxRowsPerRequest"/>.</exception>
    /// <exception cref="ModelNotFoundException">No model has the id.</exception>
    /// <exception cref="ArgumentException">A dataset without rows; a negative threshold; an unknown method, output space,
    /// audience or format; bins out of range; bad rows (<see cref="Onnx.InputException"/>).</exception>
    /// <exception cref="Onnx.UnsupportedModelException">The model cannot be explained with the method.</exception>
    public override Task<DriftResponse> Drift(DriftRequest request, ServerCallContext context)
    {
        string? format = RequireReportAccess(context, request.ModelId, request.Audience, request.Format);

        RequireRowLimit(request.BaselineRows.Count);
        RequireRowLimit(request.CurrentRows.Count);
        var defaults = new Core.Drift.DriftThresholds();
        var thresholds = DriftService.RequireValid(new Core.Drift.DriftThresholds(
            request.PsiThreshold == 0 ? defaults.Psi : request.PsiThreshold,
            request.ChangeThreshold == 0 ? defaults.RelativeMeanAbsChange : request.ChangeThreshold,
            request.MinimumShare == 0 ? defaults.MinimumMeanAbsShare : request.MinimumShare));
        foreach (var (name, count) in (ReadOnlySpan<(string, int)>)[("baseline_rows", request.BaselineRows.Count), ("current_rows", request.CurrentRows.Count)])
        {
            if (count == 0)
            {
                throw new ArgumentException($"{name} is empty; expected at least one row in each dataset");
            }
        }

        using var slot = concurrency.Enter(nameof(Drift));
        using var lease = registry.Acquire(request.ModelId);
        var model = lease.Model;
        var baseline = RowConverter.ToTable(request.BaselineRows, model.Card, model.Onnx.OffsetColumnNames);
        var current = RowConverter.ToTable(request.CurrentRows, model.Card, model.Onnx.OffsetColumnNames);
        var options = SummarizeOptionsOf(request.Method, request.OutputSpace, request.Bins, context);
        var outcome = DriftService.Compare(model, baseline, current, options, thresholds);
        var response = SummaryProtoMapping.ToResponse(outcome);
        if (format is not null)
        {
            var view = ReportService.Build(explanations.Views, outcome.Current, request.Audience, options.Bins, outcome);
            response.Rendered = explanations.Views.Renderer.RenderReport(view, format);
            response.ReportId = ledger.RecordReport(view, format, response.Rendered, LedgerService.ServedByDrift, Caller(context));
        }

        return Task.FromResult(response);
    }

    private SummarizeOptions SummarizeOptionsOf(string method, string outputSpace, int bins, ServerCallContext context) =>
        new(new ExplainOptions(method, outputSpace, AllowExtraColumns: false, options.DegreeOfParallelism,
                MaxModelEvaluations: options.MaxModelEvaluationsPerRequest, CancellationToken: context.CancellationToken),
            bins == 0 ? Core.Summaries.SummaryOptions.DefaultBins : bins);

    /// <summary>Checks the caller's scope for the model and, when a report is asked, its audience; returns the report's
    /// format (<see cref="ReportFormat"/>).</summary>
    /// <exception cref="PermissionDeniedException">The model or the audience is outside the caller's scope.</exception>
    /// <exception cref="ArgumentException">As <see cref="ReportFormat"/>.</exception>
    private static string? RequireReportAccess(ServerCallContext context, string modelId, string audience, string format)
    {
        var caller = AuthInterceptor.Of(context);
        caller.RequireModel(modelId);
        string? normalized = ReportFormat(audience, format);
        if (normalized is not null)
        {
            caller.RequireAudience(audience);
        }

        return normalized;
    }

    /// <summary>The report format a Summarize or Drift request asks for: null without an audience, else <c>html</c> or
    /// <c>md</c> (empty and <c>markdown</c> are <c>md</c>); checked before anything is computed.</summary>
    /// <exception cref="ArgumentException">A format without an audience, an audience without a report, or an unknown format.</exception>
    private static string? ReportFormat(string audience, string format)
    {
        if (audience.Length == 0)
        {
            return format.Length == 0
                ? null
                : throw new ArgumentException($"format {MessageText.Quote(format)} is set but audience is empty: a report needs an audience, one of {string.Join(", ", Views.Reports.ReportViewBuilder.ReportAudiences)}");
        }

        string normalized = format switch { "" or "markdown" => "md", _ => format };
        ReportService.RequireReport(audience, normalized);
        return normalized;
    }

    private void RequireRowLimit(int rows)
    {
        if (rows > options.MaxRowsPerRequest)
        {
            throw new RequestLimitException(
                $"the request has {rows} rows; this server explains at most {options.MaxRowsPerRequest} rows per request: split the rows over several requests");
        }
    }

    // The language picks a template file (explanation.<language>.<format>.scriban), so only a language code may reach it.
    // A well-formed code without a translation falls back to English.
    private static string RequireLanguageCode(string language) =>
        Views.Policies.AudiencePolicy.IsLanguageCode(language)
            ? language
            : throw new ArgumentException($"language {MessageText.Quote(language)} is not a language code such as 'en', 'nl' or 'en-GB'");

    private static string NormalizeFormat(string format) => format switch
    {
        "" => "text",
        "markdown" => "md",
        _ when TemplateRenderer.ExplanationFormats.Contains(format, StringComparer.Ordinal) => format,
        _ => throw new ArgumentException($"unknown format {MessageText.Quote(format)}: expected one of {string.Join(", ", TemplateRenderer.ExplanationFormats)}"),
    };
}
