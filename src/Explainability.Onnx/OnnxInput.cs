namespace Explainability.Onnx;

/// <summary>One input of an ONNX graph.</summary>
/// <param name="Name">The graph input's name.</param>
/// <param name="ElementType">Its element type.</param>
/// <param name="Shape">Declared shape, -1 for a symbolic or unknown dimension (the batch dimension is first).</param>
/// <param name="IsPerColumn">Whether the input holds one raw column (<c>[N, 1]</c> or <c>[N]</c>), bound by its name;
/// otherwise it is a matrix <c>[N, Width]</c> bound by position to <see cref="ColumnNames"/>.</param>
/// <param name="ColumnNames">The raw feature name of each of its columns, <c>[Width]</c>.</param>
/// <param name="IsFeature">Whether the explained model output depends on it; other inputs (such as an ML.NET label
/// column) get a neutral value when the rows do not carry them.</param>
/// <param name="IsOffset">Whether it feeds a per-row offset added to the margin (<see cref="OnnxTreeModel.Offsets"/>): not a
/// feature of the trees, but required wherever the served output or the offset is computed.</param>
public sealed record OnnxInput(
    string Name,
    OnnxElementType ElementType,
    IReadOnlyList<long> Shape,
    bool IsPerColumn,
    IReadOnlyList<string> ColumnNames,
    bool IsFeature,
    bool IsOffset = false)
{
    /// <summary>Number of raw columns of this input.</summary>
    public int Width => ColumnNames.Count;
}
