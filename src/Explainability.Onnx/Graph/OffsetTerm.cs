namespace Explainability.Onnx.Graph;

/// <summary>
/// One per-row offset on the way from the ensemble to the served output: the tensor <see cref="Tensor"/>, read per row,
/// contributes <c>Coefficients[o] * Tensor[row, column]</c> to the margin of explained output <c>o</c>, where the
/// column is <c>Columns[o]</c> when the tensor is as wide as the score (<see cref="ScoreWidth"/>) and 0 when it has one
/// column (broadcast).
/// </summary>
/// <param name="Tensor">The tensor added to (or subtracted from) the score.</param>
/// <param name="Coefficients">Sign times every constant factor applied after it, <c>[outputs]</c>.</param>
/// <param name="Columns">Column of the score tensor (at the Add / Sub) of each explained output, <c>[outputs]</c>.</param>
/// <param name="ScoreWidth">Columns of the score tensor at the Add / Sub.</param>
internal sealed record OffsetTerm(string Tensor, double[] Coefficients, int[] Columns, int ScoreWidth);
