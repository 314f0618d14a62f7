using System.Diagnostics;
using System.Globalization;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Grpc;
using Explainability.Server.Models;
using Explainability.Views;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Observability;

/// <summary>
/// One structured log line and the metrics of every gRPC call: RPC, model, method, audiences, rows, status code and
/// duration (<see cref="ExplainabilityMetrics"/>). Registered before <see cref="ErrorInterceptor"/>, so it sees the status
/// that interceptor chose. It logs no token, header, row value or status message (a message may quote a value).
/// </summary>
public sealed partial class CallTelemetryInterceptor(ILogger<CallTelemetryInterceptor> logger, ModelRegistry registry) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        long start = Stopwatch.GetTimestamp();
        var call = Summarize(RpcName(context.Method), request);
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            if (response is ExplainResponse explained)
            {
                call = call with { Method = explained.Method };
                Explained(explained);
            }

            Finish(call, StatusCode.OK, start);
            return response;
        }
        catch (Exception e)
        {
            Finish(call, StatusOf(e), start);
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        long start = Stopwatch.GetTimestamp();
        var call = Summarize(RpcName(context.Method), null);
        try
        {
            var response = await continuation(requestStream, context).ConfigureAwait(false);
            Finish(call, StatusCode.OK, start);
            return response;
        }
        catch (Exception e)
        {
            Finish(call, StatusOf(e), start);
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        long start = Stopwatch.GetTimestamp();
        var call = Summarize(RpcName(context.Method), request);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            Finish(call, StatusCode.OK, start);
        }
        catch (Exception e)
        {
            Finish(call, StatusOf(e), start);
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        long start = Stopwatch.GetTimestamp();
        int rows = 0;
        var observed = new ObservedStreamWriter<TResponse>(responseStream, message =>
        {
            if (message is ExplainResponse explained)
            {
                Interlocked.Add(ref rows, explained.Rows.Count);
                Explained(explained);
            }
        });
        try
        {
            await continuation(requestStream, observed, context).ConfigureAwait(false);
            Finish(Summarize(RpcName(context.Method), null) with { Rows = rows }, StatusCode.OK, start);
        }
        catch (Exception e)
        {
            Finish(Summarize(RpcName(context.Method), null) with { Rows = rows }, StatusOf(e), start);
            throw;
        }
    }

    /// <summary>The labels of a call from its request, each bounded: a model id no model has, a method or audience the
    /// service does not know, are <c>invalid</c>.</summary>
    private CallSummary Summarize(string rpc, object? request) => request switch
    {
        ExplainRequest r => new CallSummary(rpc, ModelLabel(r.ModelId), MethodLabel(r.Method), AudiencesLabel(r.Audiences), r.Rows.Count),
        CompareRequest r => new CallSummary(rpc, ModelLabel(r.ModelId), "compare", "-", r.Rows.Count),
        SummarizeRequest r => new CallSummary(rpc, ModelLabel(r.ModelId), MethodLabel(r.Method), r.Audience.Length == 0 ? "none" : AudiencesLabel([r.Audience]), r.Rows.Count),
        DriftRequest r => new CallSummary(rpc, ModelLabel(r.ModelId), MethodLabel(r.Method), r.Audience.Length == 0 ? "none" : AudiencesLabel([r.Audience]), r.BaselineRows.Count + r.CurrentRows.Count),
        GetModelRequest r => new CallSummary(rpc, ModelLabel(r.ModelId), "-", "-", 0),
        RenderRequest r => new CallSummary(rpc, "-", "-", r.Audience.Length == 0 ? "none" : AudiencesLabel([r.Audience]), 0),
        _ => new CallSummary(rpc, "-", "-", "-", 0),
    };

    private string ModelLabel(string id) => registry.Contains(id) ? id : "invalid";

    private static string MethodLabel(string method) =>
        method.Length == 0 ? "default" : ExplainMethods.All.Contains(method, StringComparer.Ordinal) ? method : "invalid";

    private static string AudiencesLabel(Google.Protobuf.Collections.RepeatedField<string> audiences) =>
        audiences.Count == 0 ? "none"
        : audiences.All(a => Audiences.All.Contains(a, StringComparer.Ordinal)) ? string.Join("+", audiences.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        : "invalid";

    /// <summary>The last segment of <c>/package.Service/Method</c>.</summary>
    private static string RpcName(string method) => method[(method.LastIndexOf('/') + 1)..];

    private static StatusCode StatusOf(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode,
        _ => ErrorInterceptor.ToStatus(exception).StatusCode,
    };

    private static void Explained(ExplainResponse response)
    {
        long evaluations = response.Parameters.TryGetValue("model_evaluations", out var text)
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;
        ExplainabilityMetrics.RecordExplained(response.ModelId, response.Method, response.Rows.Count, evaluations);
    }

    private void Finish(CallSummary call, StatusCode status, long start)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        string code = status.ToString();
        ExplainabilityMetrics.RecordCall(call, code, elapsed.TotalSeconds);
        LogCall(call.Rpc, call.Model, call.Method, call.Audiences, call.Rows, code, elapsed.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Rpc} model={Model} method={Method} audiences={Audiences} rows={Rows} status={StatusCode} duration={DurationMs:F1} ms")]
    private partial void LogCall(string rpc, string model, string method, string audiences, int rows, string statusCode, double durationMs);
}
