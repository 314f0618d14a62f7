using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Server.Models;

namespace Explainability.Server.Explaining;

/// <summary>A computed explanation with what produced it.</summary>
/// <param name="Model">The model explained.</param>
/// <param name="Inputs">The raw rows explained, <c>[rows, columns]</c>.</param>
/// <param name="Explanation">The full-fidelity explanation; its parameters carry the model id, version and hash, the method and the runtime check.</param>
/// <param name="RuntimeMaxAbsoluteError">Largest |Link(margin) - ONNX Runtime output| over the rows and outputs; the margin includes a per-row offset.</param>
public sealed record ExplainOutcome(LoadedModel Model, FeatureTable Inputs, Explanation Explanation, double RuntimeMaxAbsoluteError);
