using System.Globalization;
using Explainability.Server.Summaries;
using Spectre.Console;

namespace Explainability.Cli.Output;

/// <summary>
/// Writes a summary as the readable tables of <c>summarize --format text</c> (Spectre.Console, no colour): features by
/// mean |SHAP| with mean SHAP, the card's feature groups, the strongest interaction pairs, and per cohort its rows and the
/// feature whose mean |SHAP| differs most from the whole's.
/// </summary>
internal static class SummaryTextWriter
{
    /// <summary>Writes <paramref name="outcome"/> to <paramref name="writer"/>.</summary>
    public static void Write(SummaryOutcome outcome, TextWriter writer)
    {
        var console = PlainConsole.Over(writer);
        var whole = outcome.Whole;
        string space = whole.OutputSpace.ToString().ToLowerInvariant();
        writer.WriteLine($"{outcome.Model.Id} {outcome.Model.Version}: {(whole.RowCount == 1 ? "1 row" : $"{whole.RowCount} rows")}, {whole.Method}, output '{whole.OutputName}' in {space} space");

        var features = new Table().Title("Features by mean |SHAP|").AddColumns("feature", "mean |SHAP|", "mean SHAP");
        foreach (var f in whole.Features.OrderByDescending(f => f.MeanAbsShap))
        {
            features.AddRow(Markup.Escape(f.Name), Number(f.MeanAbsShap), Number(f.MeanShap));
        }

        console.Write(features);
        if (whole.Groups.Count > 0)
        {
            var groups = new Table().Title("Feature groups by mean |SHAP| of their summed SHAP values").AddColumns("group", "mean |SHAP|", "mean SHAP", "features");
            foreach (var g in whole.Groups.OrderByDescending(g => g.MeanAbsShap))
            {
                groups.AddRow(Markup.Escape(g.Name), Number(g.MeanAbsShap), Number(g.MeanShap), Markup.Escape(string.Join(", ", g.Features)));
            }

            console.Write(groups);
        }

        if (whole.Interactions is { } interactions)
        {
            var pairs = new Table().Title($"Strongest interactions (mean |SHAP interaction|, top {interactions.Conditioned.Count} features)").AddColumns("feature", "feature", "mean |interaction|");
            foreach (var p in interactions.Pairs)
            {
                pairs.AddRow(Markup.Escape(p.FeatureA), Markup.Escape(p.FeatureB), Number(p.MeanAbsInteraction));
            }

            console.Write(pairs);
        }

        if (outcome.Cohorts.Count > 0)
        {
            var cohorts = new Table().Title($"Cohorts by {Markup.Escape(outcome.CohortColumn!)}").AddColumns("value", "rows", "largest change of mean |SHAP|", "change");
            foreach (var c in outcome.Cohorts)
            {
                int f = Enumerable.Range(0, c.MeanAbsShapDifference.Count).MaxBy(i => Math.Abs(c.MeanAbsShapDifference[i]));
                cohorts.AddRow(Markup.Escape(c.Value.Length == 0 ? "(missing)" : c.Value), c.Summary.RowCount.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(whole.Features[f].Name), Number(c.MeanAbsShapDifference[f]));
            }

            console.Write(cohorts);
        }
    }

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
