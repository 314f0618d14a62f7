using System.Text.Json;
using Explainability.Core.Explanations;

namespace Explainability.Cli.Output;

/// <summary>
/// Writes an explanation as the JSON document of <c>explain --format json</c>. Stable shape, snake_case names:
/// <code>
/// { "model": { "id", "version", "sha256", "source", "has_card" },
///   "method", "output_space", "link", "runtime_max_abs_error",
///   "parameters": { name: value, ... sorted by name },
///   "features": [F feature names in input order], "outputs": [O output labels],
///   "rows": [ { "row", "outputs": [ { "output", "base_value", "model_output", "offset"?, "phi": [F values],
///                                     "standard_errors"?: [F values] } ] } ] }
/// </code>
/// <c>phi[f]</c> is the SHAP value of <c>features[f]</c>; <c>base_value + sum(phi) + offset = model_output</c> in
/// <c>output_space</c>, where <c>offset</c>, the per-row offset the model adds to its margin (casebook C11), is written
/// only for a model that has one. <c>standard_errors[f]</c>, written for the sampled methods (kernel, permutation) only, is
/// the standard error of <c>phi[f]</c> (0 on rows KernelSHAP enumerated exactly). Numbers are shortest round-trip doubles; a non-finite number is written as null.
/// </summary>
internal static class ExplanationJsonWriter
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>, followed by a newline.</summary>
    public static void Write(ExplainReport report, TextWriter writer)
    {
        var e = report.Explanation;
        var model = report.Outcome.Model;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("model");
            json.WriteString("id", model.Id);
            json.WriteString("version", model.Version);
            json.WriteString("sha256", model.Sha256);
            json.WriteString("source", model.Source);
            json.WriteBoolean("has_card", !model.CardIsDerived);
            json.WriteEndObject();
            json.WriteString("method", e.Method);
            json.WriteString("output_space", e.OutputSpace.ToString().ToLowerInvariant());
            json.WriteString("link", e.Link.ToString().ToLowerInvariant());
            json.WritePropertyName("runtime_max_abs_error");
            Number(json, report.Outcome.RuntimeMaxAbsoluteError);
            json.WriteStartObject("parameters");
            foreach (var (key, value) in e.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            WriteStrings(json, "features", report.Features);
            WriteStrings(json, "outputs", report.OutputLabels);
            json.WriteStartArray("rows");
            for (int r = 0; r < e.RowCount; r++)
            {
                json.WriteStartObject();
                json.WriteNumber("row", r);
                json.WriteStartArray("outputs");
                for (int o = 0; o < e.OutputCount; o++)
                {
                    json.WriteStartObject();
                    json.WriteString("output", report.OutputLabels[o]);
                    json.WritePropertyName("base_value");
                    Number(json, e.Base(r, o));
                    json.WritePropertyName("model_output");
                    Number(json, e.Output(r, o));
                    if (e.Offsets is not null)
                    {
                        json.WritePropertyName("offset");
                        Number(json, e.Offset(r, o));
                    }

                    json.WriteStartArray("phi");
                    for (int f = 0; f < report.Features.Count; f++)
                    {
                        Number(json, report.Phi(r, f, o));
                    }

                    json.WriteEndArray();
                    if (e.StandardErrors is not null)
                    {
                        json.WriteStartArray("standard_errors");
                        for (int f = 0; f < report.Features.Count; f++)
                        {
                            Number(json, report.StandardError(r, f, o));
                        }

                        json.WriteEndArray();
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        writer.Write('\n');
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
