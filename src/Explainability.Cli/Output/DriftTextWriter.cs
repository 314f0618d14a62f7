using System.Globalization;
using Explainability.Views.Reports;
using Spectre.Console;

namespace Explainability.Cli.Output;

/// <summary>Writes <c>drift --format text</c>: a table of features, flagged first, then by the size of the change.</summary>
internal static class DriftTextWriter
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>.</summary>
    public static void Write(DriftReport report, TextWriter writer)
    {
        var console = PlainConsole.Over(writer);
        int flagged = report.Features.Count(f => f.Flagged);
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.ModelId} {report.ModelVersion}: baseline of {Rows(report.BaselineRows)} against current of {Rows(report.CurrentRows)}, {report.Method}, output '{report.Output}' in {report.OutputSpace} space"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{flagged} of {report.Features.Count} features flagged (PSI >= {report.Thresholds.Psi:0.######}, or mean |SHAP| changed by >= {report.Thresholds.RelativeMeanAbsChange:#,0.0##%}; never below {report.Thresholds.MinimumMeanAbsShare:0.0##%} of the largest mean |SHAP|)"));
        if (ReportViewBuilder.DriftCaveat(report.BaselineRows, report.CurrentRows) is { Length: > 0 } caveat)
        {
            writer.WriteLine(caveat);
        }

        var table = new Table().Title("Attribution drift by feature").AddColumns("feature", "mean |SHAP| before", "after", "change", "PSI", "Wasserstein", "flags");
        foreach (var f in report.Features.OrderByDescending(f => f.Flagged).ThenByDescending(f => Math.Abs(f.MeanAbsChange)))
        {
            table.AddRow(
                Markup.Escape(f.Feature), Number(f.BaselineMeanAbs), Number(f.CurrentMeanAbs),
                double.IsFinite(f.RelativeChange) ? f.RelativeChange.ToString("+#,0.0%;-#,0.0%;0.0%", CultureInfo.InvariantCulture) : "new",
                Number(f.Psi), Number(f.Wasserstein), Markup.Escape(string.Join(", ", f.Flags)));
        }

        console.Write(table);
    }

    private static string Rows(int n) => n == 1 ? "1 row" : string.Create(CultureInfo.InvariantCulture, $"{n} rows");

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
