namespace Explainability.Onnx.Graph;

/// <summary>Where to read explained outputs from a graph output.</summary>
/// <param name="GraphOutput">The graph output.</param>
/// <param name="Columns">Column of the tensor holding each explained output, <c>[outputs]</c> (tensor outputs).</param>
/// <param name="ZipMapKeys">Map key of each explained output when the output is a ZipMap, else null.</param>
/// <param name="OutputNames">Name of each explained output, <c>[outputs]</c>.</param>
internal sealed record ServedSpec(string GraphOutput, int[] Columns, string[]? ZipMapKeys, string[] OutputNames);
