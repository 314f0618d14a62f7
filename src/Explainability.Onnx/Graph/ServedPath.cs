using Explainability.Core.Explanations;

namespace Explainability.Onnx.Graph;

/// <summary>One way from the ensemble's score tensor to a graph output.</summary>
/// <param name="GraphOutput">The served graph output.</param>
/// <param name="EnsembleOutputs">Ensemble output explained by each served value, <c>[outputs]</c>.</param>
/// <param name="Columns">Column of the served tensor holding each explained output, <c>[outputs]</c> (tensor outputs).</param>
/// <param name="ZipMapKeys">Map key of each explained output when the served output is a ZipMap, else null.</param>
/// <param name="Scale">Constant factor folded into the margin, <c>[outputs]</c>.</param>
/// <param name="Offset">Constant offset folded into the margin, <c>[outputs]</c>.</param>
/// <param name="Link">Link applied after the margin (post_transform or a Sigmoid/Softmax/Exp node).</param>
/// <param name="Steps">Number of nodes on the way.</param>
/// <param name="Offsets">Per-row offsets added to the margin on the way (casebook C11), empty when none.</param>
internal sealed record ServedPath(
    string GraphOutput,
    int[] EnsembleOutputs,
    int[] Columns,
    string[]? ZipMapKeys,
    double[] Scale,
    double[] Offset,
    LinkFunction Link,
    int Steps,
    IReadOnlyList<OffsetTerm> Offsets);
