using System.Globalization;

namespace Explainability.Cli.Output;

/// <summary>
/// Writes an explanation as the stable CSV of the <c>explain</c> command: one line per input row and output,
/// <c>row,output,&lt;feature columns in input order&gt;,base_value,model_output</c>, numbers in round-trip precision
/// (invariant culture). <c>row</c> is the 0-based data row of the input; <c>output</c> the class label or target index
/// (see <see cref="ExplainReport"/>); <c>base_value + sum of the feature columns = model_output</c> in the explanation's
/// output space (margin). Later versions may add columns after these, never change them.
/// A model with a per-row offset (casebook C11) gets one more column, <c>offset</c>, after <c>model_output</c>:
/// then <c>base_value + sum of the feature columns + offset = model_output</c>. Without an offset the header is unchanged.
/// With <c>--with-se</c>, one <c>&lt;feature&gt;_se</c> column per feature column (same order) follows all of these: the
/// standard error of that SHAP value for the sampled methods (<c>kernel</c>, <c>permutation</c>; 0 where KernelSHAP
/// enumerated every coalition), 0 for the exact methods.
/// </summary>
internal static class ExplanationCsvWriter
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>.</summary>
    /// <param name="report">The explanation arranged for output.</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="withStandardErrors">Append the <c>&lt;feature&gt;_se</c> columns.</param>
    public static void Write(ExplainReport report, TextWriter writer, bool withStandardErrors = false)
    {
        WriteHeader(report, writer, withStandardErrors);
        WriteRows(report, writer, withStandardErrors, firstRow: 0);
    }

    /// <summary>Writes the header line of <paramref name="report"/>'s columns.</summary>
    /// <param name="report">The explanation arranged for output (its features and whether it has offsets name the columns).</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="withStandardErrors">Append the <c>&lt;feature&gt;_se</c> columns.</param>
    public static void WriteHeader(ExplainReport report, TextWriter writer, bool withStandardErrors = false)
    {
        writer.Write("row,output");
        foreach (var name in report.Features)
        {
            writer.Write(',');
            writer.Write(Escape(name));
        }

        writer.Write(report.Explanation.Offsets is not null ? ",base_value,model_output,offset" : ",base_value,model_output");
        if (withStandardErrors)
        {
            foreach (var name in report.Features)
            {
                writer.Write(',');
                writer.Write(Escape(name + "_se"));
            }
        }

        writer.Write('\n');
    }

    /// <summary>Writes one line per row and output of <paramref name="report"/>, without the header.</summary>
    /// <param name="report">The explanation arranged for output.</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="withStandardErrors">Append the <c>&lt;feature&gt;_se</c> columns.</param>
    /// <param name="firstRow">The <c>row</c> of the report's first row: its 0-based data row in the whole input (a batch
    /// explains the input a chunk at a time).</param>
    public static void WriteRows(ExplainReport report, TextWriter writer, bool withStandardErrors, long firstRow)
    {
        var e = report.Explanation;
        bool hasOffset = e.Offsets is not null;
        for (int r = 0; r < e.RowCount; r++)
        {
            for (int o = 0; o < e.OutputCount; o++)
            {
                writer.Write((firstRow + r).ToString(CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.Write(Escape(report.OutputLabels[o]));
                for (int f = 0; f < report.Features.Count; f++)
                {
                    writer.Write(',');
                    writer.Write(Number(report.Phi(r, f, o)));
                }

                writer.Write(',');
                writer.Write(Number(e.Base(r, o)));
                writer.Write(',');
                writer.Write(Number(e.Output(r, o)));
                if (hasOffset)
                {
                    writer.Write(',');
                    writer.Write(Number(e.Offset(r, o)));
                }

                if (withStandardErrors)
                {
                    for (int f = 0; f < report.Features.Count; f++)
                    {
                        writer.Write(',');
                        writer.Write(Number(report.StandardError(r, f, o)));
                    }
                }

                writer.Write('\n');
            }
        }
    }

    /// <summary>A double in round-trip form.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
