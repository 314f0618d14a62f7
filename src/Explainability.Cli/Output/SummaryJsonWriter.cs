using System.Text.Json;
using System.Text.Json.Serialization;
using Explainability.Server.Summaries;

namespace Explainability.Cli.Output;

/// <summary>
/// Writes a summary as the JSON document of <c>summarize --format json</c>, snake_case names:
/// <code>
/// { "model": { "id", "version", "sha256", "source", "has_card" }, "parameters": { name: value, ... sorted },
///   "summary": { "output_name", "output_space", "method", "row_count",
///                "features": [ { "name", "categorical", "mean_abs_shap", "mean_shap",
///                                "beeswarm": [ { "lower", "upper", "count", "mean_normalized_value" } ],
///                                "dependence": [ { "label", "lower", "upper", "count", "mean_shap", "standard_deviation_shap" } ] } ],
///                "groups": [ { "name", "features", "mean_abs_shap", "mean_shap", "beeswarm" } ],
///                "interactions": null | { "conditioned", "main_effects", "pairs": [ { "feature_a", "feature_b", "mean_abs_interaction" } ] } },
///   "cohort_column": null | name, "cohorts": [ { "value", "summary": { as above }, "mean_abs_shap_difference": [F] } ] }
/// </code>
/// Amounts are in <c>output_space</c> (margin: log-odds for a logistic classifier) for the explained output; numbers are
/// shortest round-trip doubles.
/// </summary>
internal static class SummaryJsonWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes <paramref name="outcome"/> to <paramref name="writer"/>, followed by a newline.</summary>
    public static void Write(SummaryOutcome outcome, TextWriter writer)
    {
        var model = outcome.Model;
        var document = new
        {
            Model = new { model.Id, model.Version, model.Sha256, model.Source, HasCard = !model.CardIsDerived },
            Parameters = new SortedDictionary<string, string>(outcome.Parameters.ToDictionary(), StringComparer.Ordinal),
            Summary = outcome.Whole,
            outcome.CohortColumn,
            outcome.Cohorts,
        };
        writer.WriteLine(JsonSerializer.Serialize(document, Options));
    }
}
