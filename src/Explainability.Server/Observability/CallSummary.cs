namespace Explainability.Server.Observability;

/// <summary>What the log line and the metrics say of one gRPC call; every field is bounded (see
/// <see cref="ExplainabilityMetrics"/>) and none holds a row value or a token.</summary>
/// <param name="Rpc">The RPC's name (<c>Explain</c>, <c>ExplainStream</c>, ...).</param>
/// <param name="Model">A loaded model's id, <c>invalid</c> for an id no model has, or <c>-</c> when the RPC names none.</param>
/// <param name="Method">The method asked for (<c>default</c> when none), <c>invalid</c> for an unknown one, <c>-</c> when the RPC has none.</param>
/// <param name="Audiences">The audiences asked for, sorted and joined with <c>+</c>; <c>none</c>, <c>invalid</c>, or <c>-</c>.</param>
/// <param name="Rows">Rows in the request (for a stream: rows answered).</param>
public sealed record CallSummary(string Rpc, string Model, string Method, string Audiences, int Rows);
