using Explainability.Core.Shap;

namespace Explainability.Server.Explaining;

/// <summary>What to compute for a request.</summary>
/// <param name="Method">The TreeSHAP feature perturbation.</param>
/// <param name="OutputSpace"><c>margin</c> (the only space exact TreeSHAP is additive in).</param>
/// <param name="AllowExtraColumns">Whether input columns that are not model features are ignored (CLI CSVs with ids or labels) rather than refused.</param>
/// <param name="DegreeOfParallelism">Threads over rows.</param>
public sealed record ExplainOptions(
    TreeShapMethod Method = TreeShapMethod.PathDependent,
    string OutputSpace = "margin",
    bool AllowExtraColumns = false,
    int DegreeOfParallelism = 1);
