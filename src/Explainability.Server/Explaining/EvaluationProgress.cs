namespace Explainability.Server.Explaining;

/// <summary>How far a model-agnostic explanation has come, in model evaluations (rows sent to ONNX Runtime).</summary>
/// <param name="Method">The explainer running.</param>
/// <param name="Evaluated">Model evaluations so far.</param>
/// <param name="Estimated">The up-front estimate of all its evaluations, the figure the evaluation limit is checked against.</param>
public sealed record EvaluationProgress(string Method, long Evaluated, double Estimated);
