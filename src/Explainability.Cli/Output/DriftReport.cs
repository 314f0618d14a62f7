using Explainability.Core.Drift;

namespace Explainability.Cli.Output;

/// <summary>What <c>drift</c> reports: the model, how both datasets were explained, the thresholds and each feature's drift
/// (in the explanation's unit).</summary>
internal sealed record DriftReport(
    string ModelId, string ModelVersion, string ModelSha256, string Method, string OutputSpace, string Output, int BaselineRows, int CurrentRows,
    IReadOnlyDictionary<string, string> Parameters, DriftThresholds Thresholds, IReadOnlyList<FeatureDrift> Features);
