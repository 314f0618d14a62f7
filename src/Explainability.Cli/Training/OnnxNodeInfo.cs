namespace Explainability.Cli.Training;

/// <summary>A graph node: op type, domain, inputs and outputs, and attributes summarised as <c>name=value</c>.</summary>
internal sealed record OnnxNodeInfo(string Name, string Domain, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<string> Attributes)
{
    /// <summary><c>ai.onnx.ml.TreeEnsembleRegressor</c> for non-default domains, <c>Concat</c> for the default one.</summary>
    public string QualifiedOpType => Domain.Length == 0 ? OpType : $"{Domain}.{OpType}";
}
