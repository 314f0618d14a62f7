using Explainability.Core.Explanations;
using Explainability.Core.Trees;

namespace Explainability.Onnx;

/// <summary>
/// The tree ensemble an ONNX model serves, in the form the TreeSHAP explainers need:
/// <c>served[o] = Link(Ensemble.Evaluate(columns) + offset)[o]</c> for the ensemble's input columns, which
/// <see cref="OnnxModel.ComputeColumns"/> obtains from ONNX Runtime, and the per-row offset
/// (<see cref="OnnxModel.ComputeOffsets"/>; 0 when <see cref="Offsets"/> is empty).
/// </summary>
/// <param name="Ensemble">The trees in margin space, constant affine ops after the ensemble folded in
/// (<see cref="TreeEnsemble.WithAffine"/>), AVERAGE aggregation folded into the leaves; no covers.</param>
/// <param name="FeatureMap">Maps each ensemble input column to the raw feature it comes from.</param>
/// <param name="Link">Turns margins into the served output (post_transform, or a Sigmoid/Softmax/Exp node).</param>
/// <param name="OutputNames">Name of each explained output, <c>[outputs]</c>: class labels, or target indices; a binary
/// classifier with one score column has only its positive class.</param>
/// <param name="ServedOutputName">The graph output whose values are explained.</param>
/// <param name="EnsembleNodeName">Name of the ensemble node in the graph.</param>
/// <param name="EnsembleOpType">TreeEnsembleRegressor, TreeEnsembleClassifier or TreeEnsemble.</param>
/// <param name="EnsembleInputName">The tensor the ensemble reads, <c>[rows, columns]</c>.</param>
/// <param name="ColumnsAreDouble">Whether that tensor is float64 (else float32, and columns hold float32 values).</param>
/// <param name="ColumnMappingSource">How <paramref name="FeatureMap"/> was found: <c>dataflow</c> (the graph's ops followed
/// column by column) or <c>perturbation</c> (behind an op the analysis does not know, numeric raw columns probed through
/// ONNX Runtime; a column that responds to none is taken as constant).</param>
/// <param name="Offsets">Per-row offsets added to the margin before the link (casebook C11); empty when there are none.</param>
public sealed record OnnxTreeModel(
    TreeEnsemble Ensemble,
    FeatureMap FeatureMap,
    LinkFunction Link,
    IReadOnlyList<string> OutputNames,
    string ServedOutputName,
    string EnsembleNodeName,
    string EnsembleOpType,
    string EnsembleInputName,
    bool ColumnsAreDouble,
    string ColumnMappingSource,
    IReadOnlyList<OnnxOffset> Offsets)
{
    /// <summary>The graph inputs the per-row offsets are computed from (distinct, in order), <c>[inputs]</c>; empty when none.</summary>
    public IReadOnlyList<string> OffsetInputs => [.. Offsets.SelectMany(o => o.Inputs).Distinct(StringComparer.Ordinal)];

    /// <summary>Whether the model adds a per-row offset to the margin.</summary>
    public bool HasOffset => Offsets.Count > 0;
}
