namespace Explainability.Onnx;

/// <summary>What ONNX Runtime computes for a TreeSHAP request (<see cref="OnnxModel.ComputeTreeRuntimeValues"/>).</summary>
/// <param name="Columns">The ensemble's input columns, <c>[rows, columns]</c>.</param>
/// <param name="Offsets">Per-row offsets in margin space, <c>[rows, outputs]</c>, or null when the model has none.</param>
/// <param name="Served">The served values of the explained outputs, <c>[rows, outputs]</c>, in the served space.</param>
public sealed record TreeRuntimeValues(double[] Columns, double[]? Offsets, double[] Served);
