using System.Text.RegularExpressions;
using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.Rendering;
using Grpc.Core;

namespace Explainability.Server.Grpc;

/// <summary>
/// The <c>Explainer</c> service of <c>protos/explainability.proto</c>. Validates a request before computing anything, runs
/// the same <see cref="ExplanationService"/> the CLI runs, and maps the result to messages. Throws the domain's exceptions;
/// <see cref="ErrorInterceptor"/> turns them into status codes. Stateless and thread-safe.
/// </summary>
public sealed partial class ExplainerGrpcService(ModelRegistry registry, ExplanationService explanations, ExplainabilityServerOptions options)
    : Explainer.ExplainerBase
{
    /// <inheritdoc />
    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        response.Models.Add(registry.Models.Select(ProtoMapping.ToModelInfo));
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    /// <exception cref="ModelNotFoundException">No model has the id.</exception>
    public override Task<ModelInfo> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(ProtoMapping.ToModelInfo(registry.Get(request.ModelId)));

    /// <inheritdoc />
    /// <exception cref="RequestLimitException">More rows than <see cref="ExplainabilityServerOptions.MaxRowsPerRequest"/>.</exception>
    /// <exception cref="ModelNotFoundException">No model has the id.</exception>
    /// <exception cref="ArgumentException">Unknown method, output space, audience or format; or bad rows (<see cref="Onnx.InputException"/>).</exception>
    /// <exception cref="NotSupportedException">The model cannot be explained with TreeSHAP.</exception>
    public override Task<ExplainResponse> Explain(ExplainRequest request, ServerCallContext context)
    {
        if (request.Rows.Count > options.MaxRowsPerRequest)
        {
            throw new RequestLimitException(
                $"the request has {request.Rows.Count} rows; this server explains at most {options.MaxRowsPerRequest} rows per request: split the rows over several requests");
        }

        var model = registry.Get(request.ModelId);
        string? method = ExplainMethods.Parse(request.Method);
        string format = NormalizeFormat(request.Format);
        string? language = request.Language.Length == 0 ? null : RequireLanguageCode(request.Language);
        foreach (var audience in request.Audiences)
        {
            Audiences.Require(audience, "audiences");
        }

        var rows = RowConverter.ToTable(request.Rows, model.Card, model.Onnx.OffsetColumnNames);
        var outcome = ExplanationService.Explain(model, rows, new ExplainOptions(
            method, request.OutputSpace, AllowExtraColumns: false, options.DegreeOfParallelism,
            request.HasNsamples ? request.Nsamples : null, request.HasSeed ? request.Seed : null,
            MaxModelEvaluations: options.MaxModelEvaluationsPerRequest));
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
        for (int r = 0; r < e.RowCount; r++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var views = request.Audiences.Select(a => explanations.Render(outcome, r, a, format, language)).ToList();
            response.Rows.Add(ProtoMapping.ToRowExplanation(outcome, r, views, request.WithSe));
        }

        return Task.FromResult(response);
    }

    /// <inheritdoc />
    /// <exception cref="RequestLimitException">More rows than <see cref="ExplainabilityServerOptions.MaxRowsPerRequest"/>.</exception>
    /// <exception cref="ModelNotFoundException">No model has the id.</exception>
    /// <exception cref="ArgumentException">Fewer than two methods, an unknown or repeated method, a reference not among them,
    /// an unknown output space or format, a negative top_k, or bad rows.</exception>
    /// <exception cref="Onnx.UnsupportedModelException">A method the model cannot do.</exception>
    public override Task<CompareResponse> Compare(CompareRequest request, ServerCallContext context)
    {
        if (request.Rows.Count > options.MaxRowsPerRequest)
        {
            throw new RequestLimitException(
                $"the request has {request.Rows.Count} rows; this server explains at most {options.MaxRowsPerRequest} rows per request: split the rows over several requests");
        }

        var model = registry.Get(request.ModelId);
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
            MaxModelEvaluations: options.MaxModelEvaluationsPerRequest), topK, context.CancellationToken);

        var response = ProtoMapping.ToCompareResponse(comparison, model);
        if (format is not null)
        {
            response.Report = explanations.Views.RenderComparison(Views.Comparison.ComparisonViewBuilder.Build(comparison, model.Card), format);
            response.ReportFormat = format;
        }

        return Task.FromResult(response);
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
        _ when TemplateRenderer.Formats.Contains(format, StringComparer.Ordinal) => format,
        _ => throw new ArgumentException($"unknown format {MessageText.Quote(format)}: expected one of {string.Join(", ", TemplateRenderer.Formats)}"),
    };
}
