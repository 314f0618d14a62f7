namespace Explainability.Onnx;

/// <summary>
/// A per-row offset the graph adds to (or subtracts from) the ensemble's margin before the link, such as a log exposure,
/// an XGBoost <c>base_margin</c> or a LightGBM <c>init_score</c> fed as a graph input (casebook C11). It is not a feature of
/// the trees: an explanation reports it as a separate additive term, never as a SHAP value and never inside the base value.
/// </summary>
/// <param name="Tensor">The graph tensor that is added (a graph input, or a tensor computed only from graph inputs the
/// ensemble does not read, e.g. through Cast / Reshape / Identity).</param>
/// <param name="Inputs">The graph inputs it is computed from, <c>[inputs]</c>; each is a required input of a request.</param>
/// <param name="Coefficients">Its factor per explained output, <c>[outputs]</c>: +1 for <c>score + offset</c>, -1 for
/// <c>score - offset</c>, times any constant factor applied after it.</param>
/// <param name="Columns">Column of the offset tensor read for each explained output, <c>[outputs]</c>: 0 for a one-column
/// offset broadcast over all outputs, else the score column it is added to.</param>
public sealed record OnnxOffset(string Tensor, IReadOnlyList<string> Inputs, IReadOnlyList<double> Coefficients, IReadOnlyList<int> Columns);
