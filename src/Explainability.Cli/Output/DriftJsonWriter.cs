using System.Text.Json;
using System.Text.Json.Serialization;

namespace Explainability.Cli.Output;

/// <summary>
/// Writes <c>drift --format json</c>, snake_case names as <c>summarize --format json</c>:
/// <code>
/// { "model": { "id", "version", "sha256" }, "method", "output_space", "output", "baseline_rows", "current_rows",
///   "parameters": { name: value, ... sorted }, "thresholds": { "psi", "relative_mean_abs_change", "minimum_mean_abs_share" },
///   "flagged": n, "features": [ { "feature", "baseline_mean_abs", "current_mean_abs", "mean_abs_change",
///                                  "relative_change", "psi", "wasserstein", "flags": [ "psi" | "mean_abs_change" ] } ] }
/// </code>
/// Amounts are in <c>output_space</c> for the explained output; <c>relative_change</c> is null when the baseline's mean
/// |SHAP| is 0 and the current's is not (the change is no finite share of nothing; the <c>Drift</c> RPC sends
/// +Infinity there, which JSON cannot carry). Numbers are shortest round-trip doubles.
/// </summary>
internal static class DriftJsonWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new FiniteOrNull() },
    };

    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>, followed by a newline.</summary>
    public static void Write(DriftReport report, TextWriter writer)
    {
        var document = new
        {
            Model = new { Id = report.ModelId, Version = report.ModelVersion, Sha256 = report.ModelSha256 },
            report.Method,
            report.OutputSpace,
            report.Output,
            report.BaselineRows,
            report.CurrentRows,
            Parameters = new SortedDictionary<string, string>(report.Parameters.ToDictionary(), StringComparer.Ordinal),
            report.Thresholds,
            Flagged = report.Features.Count(f => f.Flagged),
            Features = report.Features.Select(f => new
            {
                f.Feature,
                f.BaselineMeanAbs,
                f.CurrentMeanAbs,
                f.MeanAbsChange,
                f.RelativeChange,
                f.Psi,
                f.Wasserstein,
                f.Flags,
            }),
        };
        writer.WriteLine(JsonSerializer.Serialize(document, Options));
    }

    /// <summary>Writes a double as its number, or null when it is NaN or infinite.</summary>
    private sealed class FiniteOrNull : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.PositiveInfinity : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
