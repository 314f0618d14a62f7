using System.Globalization;
using Explainability.Core.Explanations;

namespace Explainability.Cli.Output;

/// <summary>
/// Writes an explanation as the stable CSV of the <c>explain</c> command: one line per input row and output,
/// <c>row,output,&lt;feature columns in input order&gt;,base_value,model_output</c>, numbers in round-trip precision.
/// <c>base_value + sum of the feature columns = model_output</c> in the explanation's output space.
/// Later versions may add columns after these, never change them.
/// </summary>
internal static class ExplanationCsvWriter
{
    /// <summary>Writes <paramref name="explanation"/> to <paramref name="writer"/>.</summary>
    public static void Write(Explanation explanation, TextWriter writer)
    {
        writer.Write("row,output");
        foreach (var name in explanation.FeatureNames)
        {
            writer.Write(',');
            writer.Write(Escape(name));
        }

        writer.WriteLine(",base_value,model_output");
        for (int r = 0; r < explanation.RowCount; r++)
        {
            for (int o = 0; o < explanation.OutputCount; o++)
            {
                writer.Write(r.ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(Escape(explanation.OutputNames[o]));
                for (int f = 0; f < explanation.FeatureCount; f++)
                {
                    writer.Write(',');
                    writer.Write(Number(explanation.Phi(r, f, o)));
                }

                writer.Write(',');
                writer.Write(Number(explanation.Base(r, o)));
                writer.Write(',');
                writer.WriteLine(Number(explanation.Output(r, o)));
            }
        }
    }

    /// <summary>A double in round-trip form.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
