using System.Diagnostics.Metrics;

namespace Explainability.Server.Observability;

/// <summary>
/// The service's instruments on the <see cref="System.Diagnostics.Metrics.Meter"/> <see cref="MeterName"/>, exported by
/// OpenTelemetry on the Prometheus scrape endpoint (<c>/metrics</c> on the metrics port). Every label value is bounded: an
/// RPC name, a gRPC status code name, a known method, a combination of known audiences, a loaded model id; anything a
/// client wrote that is none of those is counted as <c>invalid</c>, so a client cannot grow the series without bound. No
/// label or value carries a token or a row value. The instruments are shared by every host of the process; a host exports
/// them only when it has a metrics port.
/// </summary>
public static class ExplainabilityMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Explainability";

    // One meter for the process, never disposed: OpenTelemetry drops a metric stream when an instrument of that name is
    // disposed, so per-host meters (several hosts live in one test process) would end each other's series.
    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests =
        Meter.CreateCounter<long>("explainability.requests", "{call}", "gRPC calls answered, by rpc and status code (Prometheus: explainability_requests_total)");

    private static readonly Counter<long> Errors =
        Meter.CreateCounter<long>("explainability.errors", "{call}", "gRPC calls answered with a status other than OK, by rpc and code (Prometheus: explainability_errors_total)");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "explainability.request.duration",
        "s",
        "Wall time of a gRPC call from its request to its status, by rpc, method and audiences (Prometheus: explainability_request_duration_seconds)",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    private static readonly Counter<long> Rows =
        Meter.CreateCounter<long>("explainability.rows", "{row}", "Rows explained and answered, by model and method (Prometheus: explainability_rows_total)");

    private static readonly Counter<long> Evaluations =
        Meter.CreateCounter<long>("explainability.model_evaluations", "{evaluation}", "Rows the model-agnostic explainers ran through ONNX Runtime for answered calls, by model and method (Prometheus: explainability_model_evaluations_total)");

    private static readonly Counter<long> Reloads =
        Meter.CreateCounter<long>("explainability.model_reloads", "{reload}", "Model folder changes hot reload acted on, by model and outcome: loaded (a version served), failed (refused, the old version kept), removed (Prometheus: explainability_model_reloads_total)");

    /// <summary><see cref="RecordReload"/> outcome: a new version (or a new model) is served.</summary>
    public const string ReloadLoaded = "loaded";

    /// <summary><see cref="RecordReload"/> outcome: a changed folder was refused and the version served before stays.</summary>
    public const string ReloadFailed = "failed";

    /// <summary><see cref="RecordReload"/> outcome: a model's folder is gone and the model is no longer served.</summary>
    public const string ReloadRemoved = "removed";

    /// <summary>Counts one reload of a model folder (<see cref="Models.ModelDirectoryWatcher"/>).</summary>
    /// <param name="model">The model id, or the folder's name when the card could not be read (an operator's name, so bounded).</param>
    /// <param name="outcome"><see cref="ReloadLoaded"/>, <see cref="ReloadFailed"/> or <see cref="ReloadRemoved"/>.</param>
    public static void RecordReload(string model, string outcome) =>
        Reloads.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts one finished call and its wall time.</summary>
    /// <param name="call">What the call was (labels already bounded).</param>
    /// <param name="status">The gRPC status code name it ended with (<c>OK</c>, <c>InvalidArgument</c>, ...).</param>
    /// <param name="seconds">Wall time in seconds.</param>
    public static void RecordCall(CallSummary call, string status, double seconds)
    {
        ArgumentNullException.ThrowIfNull(call);
        Requests.Add(1, new KeyValuePair<string, object?>("rpc", call.Rpc), new KeyValuePair<string, object?>("status", status));
        if (status != "OK")
        {
            Errors.Add(1, new KeyValuePair<string, object?>("rpc", call.Rpc), new KeyValuePair<string, object?>("code", status));
        }

        Duration.Record(
            seconds,
            new KeyValuePair<string, object?>("rpc", call.Rpc),
            new KeyValuePair<string, object?>("method", call.Method),
            new KeyValuePair<string, object?>("audiences", call.Audiences));
    }

    /// <summary>Counts the rows and model evaluations of one answered explanation.</summary>
    /// <param name="model">A loaded model's id (from the response, so never a client's string).</param>
    /// <param name="method">The method used.</param>
    /// <param name="rows">Rows answered.</param>
    /// <param name="evaluations">Model evaluations the explainer made (0 for TreeSHAP and Linear SHAP).</param>
    public static void RecordExplained(string model, string method, long rows, long evaluations)
    {
        var modelTag = new KeyValuePair<string, object?>("model", model);
        var methodTag = new KeyValuePair<string, object?>("method", method);
        Rows.Add(rows, modelTag, methodTag);
        if (evaluations > 0)
        {
            Evaluations.Add(evaluations, modelTag, methodTag);
        }
    }
}
