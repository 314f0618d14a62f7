using System.CommandLine;
using Explainability.Cli.Input;
using Explainability.Core.Drift;
using Explainability.Core.Summaries;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Server.Summaries;
using Explainability.Views;
using Explainability.Views.Rendering;
using Explainability.Views.Reports;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>report --model &lt;folder | file.onnx&gt; --data rows.csv|rows.parquet [--compare baseline.csv|.parquet]
/// --audience data-scientist|business-manager [--format html|md] [--background bg.csv] [--method M] [--bins B] [--interactions K]
/// [--cohort COLUMN] [--psi X] [--change X] [--out FILE]</c>: the audience's global report of the model over the rows
/// (README, "report"): the rows are summarized as <c>summarize</c> summarizes them (<see cref="SummaryService"/>); with
/// <c>--compare</c> the report has a drift section against those rows, computed as <c>drift</c> computes it
/// (<see cref="DriftService"/>, the compared rows as the baseline). Rendered by <see cref="ReportService"/> through
/// <c>templates/&lt;audience&gt;/report.&lt;format&gt;.scriban</c>.
/// </summary>
/// <remarks>Failures exit with 2: those of <c>summarize</c> and <c>drift</c>, an audience without a report, an unknown format.</remarks>
internal sealed class ReportCommand(TextWriter output) : ICliCommand
{
    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model folder (with model-card.json) or a bare .onnx file", Required = true };
        var data = new Option<string>("--data") { Description = "CSV or .parquet file of the rows to report on (for example this month)", Required = true };
        var compare = new Option<string?>("--compare") { Description = "CSV or .parquet file of earlier rows: adds the attribution drift from them to --data" };
        var audience = new Option<string>("--audience") { Description = $"Who the report is for: {string.Join(" or ", ReportViewBuilder.ReportAudiences)}", Required = true };
        var format = new Option<string?>("--format") { Description = "html (default; inline SVG charts) or md (tables with text bars)" };
        var background = new Option<string?>("--background") { Description = "Background CSV (default: the model card's; a bare .onnx file has none)" };
        var method = new Option<string?>("--method") { Description = "Explainer, as for explain (default: by model)" };
        var bins = new Option<int>("--bins") { Description = $"Bins of the beeswarm and dependence charts (at most {SummaryOptions.MaxBins})", DefaultValueFactory = _ => SummaryOptions.DefaultBins }.WholeNumber().Between(1, SummaryOptions.MaxBins);
        var interactions = new Option<int>("--interactions") { Description = "SHAP interaction values for this many top features (path-dependent TreeSHAP; 0: none)" }.WholeNumber().AtLeast(0);
        var cohort = new Option<string?>("--cohort") { Description = "A column of --data whose values split the rows into cohorts" };
        var psi = new Option<double>("--psi") { Description = "With --compare: PSI at or above which a feature is flagged", DefaultValueFactory = _ => new DriftThresholds().Psi }.Number(DriftThresholds.MaxPsi);
        var change = new Option<double>("--change") { Description = "With --compare: relative change of mean |SHAP| at or above which a feature is flagged, as 0.2 or 20%", DefaultValueFactory = _ => new DriftThresholds().RelativeMeanAbsChange }.Fraction(DriftThresholds.MaxRelativeMeanAbsChange);
        var outFile = new Option<string?>("--out") { Description = "Write here instead of standard output" };
        var command = new Command("report", "Global report for a data scientist or a business manager (HTML or Markdown), with attribution drift against earlier rows")
        {
            model, data, compare, audience, format, background, method, bins, interactions, cohort, psi, change, outFile,
        };
        command.SetAction(parse =>
        {
            // The thresholds flag drift; without --compare there is none, and a threshold given would go unused unsaid.
            if (parse.GetValue(compare) is null && (Given(parse, psi) ?? Given(parse, change)) is { } unused)
            {
                throw new CliException($"{unused} sets when drift is flagged and there is no drift without --compare: add --compare earlier.csv, or leave {unused} out");
            }

            return Run(
            parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(compare), parse.GetValue(background), parse.GetValue(audience)!, parse.GetValue(format) ?? "html",
            new SummarizeOptions(
                new ExplainOptions(parse.GetValue(method), AllowExtraColumns: true, DegreeOfParallelism: Environment.ProcessorCount),
                parse.GetValue(bins), parse.GetValue(interactions), parse.GetValue(cohort)),
            new DriftThresholds(parse.GetValue(psi), parse.GetValue(change)), parse.GetValue(outFile));
        });
        return command;
    }

    /// <summary>The option's name when the command line gives it, null when it is absent (its default applies).</summary>
    private static string? Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false } ? option.Name : null;

    private int Run(string modelPath, string dataPath, string? comparePath, string? backgroundPath, string audience, string format, SummarizeOptions options, DriftThresholds thresholds, string? outFile)
    {
        format = format == "markdown" ? "md" : format;
        ReportService.RequireReport(audience, format);
        DriftService.RequireValid(thresholds);
        if (comparePath is not null && options.CohortColumn is not null)
        {
            throw new CliException("--cohort and --compare cannot be combined: the drift section compares the whole datasets; run the report once per cohort instead");
        }

        if (outFile is not null)
        {
            ExplainCommand.RequireOutDoesNotOverwriteInputs(outFile, dataPath, backgroundPath, modelPath);
            if (comparePath is not null)
            {
                ExplainCommand.RequireOutDoesNotOverwriteInputs(outFile, comparePath, null, modelPath);
            }
        }

        using var loaded = LoadedModel.Load(modelPath, InputTable.Columns(dataPath), backgroundPath);
        var rows = InputTable.Read(dataPath, loaded.Card);
        ExplainCommand.RequireOnlyModelInputs(loaded, rows, options.CohortColumn);
        var views = ViewService.CreateDefault();
        string rendered;
        if (comparePath is null)
        {
            rendered = ReportService.Render(views, SummaryService.Summarize(loaded, rows, options), audience, format, options.Bins);
        }
        else
        {
            var baseline = InputTable.Read(comparePath, loaded.Card);
            ExplainCommand.RequireOnlyModelInputs(loaded, baseline);
            var drift = DriftService.Compare(loaded, baseline, rows, options, thresholds, ($"--compare {comparePath}", $"--data {dataPath}"));
            rendered = ReportService.Render(views, drift.Current, audience, format, options.Bins, drift);
        }

        if (outFile is null)
        {
            output.Write(rendered);
        }
        else
        {
            File.WriteAllText(outFile, rendered);
        }

        return 0;
    }
}
