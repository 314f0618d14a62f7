using System.CommandLine;
using Explainability.Cli.Input;
using Explainability.Cli.Output;
using Explainability.Core.Data;
using Explainability.Core.Drift;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Server.Summaries;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>drift --model &lt;folder | file.onnx&gt; --baseline a.csv --current b.csv [--background bg.csv] [--method M] [--psi X] [--change X]
/// [--format text|json] [--out FILE]</c>: attribution drift between two datasets (README, "drift"): both are explained
/// with the same model, method and output space as <c>explain</c> explains them, then per feature
/// <see cref="AttributionDrift"/> compares their SHAP values of the explained output (<see cref="DriftService"/>, as the
/// <c>Drift</c> RPC). Rendered for an audience with <c>report --compare</c>.
/// </summary>
/// <remarks>Input as for <c>explain</c>; failures exit with 2, as there (and thresholds that are negative).</remarks>
internal sealed class DriftCommand(TextWriter output) : ICliCommand
{
    /// <summary>The values <c>--format</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Formats = ["text", "json"];

    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model folder (with model-card.json) or a bare .onnx file", Required = true };
        var baseline = new Option<string>("--baseline") { Description = "CSV or .parquet file of the baseline rows (for example last month)", Required = true };
        var current = new Option<string>("--current") { Description = "CSV or .parquet file of the current rows (for example this month)", Required = true };
        var background = new Option<string?>("--background") { Description = "Background CSV (default: the model card's; a bare .onnx file has none)" };
        var method = new Option<string?>("--method") { Description = "Explainer, as for explain (default: by model)" };
        var psi = new Option<double>("--psi") { Description = "PSI at or above which a feature is flagged", DefaultValueFactory = _ => new DriftThresholds().Psi }.Number(DriftThresholds.MaxPsi);
        var change = new Option<double>("--change") { Description = "Relative change of mean |SHAP| at or above which a feature is flagged, as 0.2 or 20%", DefaultValueFactory = _ => new DriftThresholds().RelativeMeanAbsChange }.Fraction(DriftThresholds.MaxRelativeMeanAbsChange);
        var format = new Option<string?>("--format") { Description = "text (default) or json" };
        var outFile = new Option<string?>("--out") { Description = "Write here instead of standard output" };
        var command = new Command("drift", "Attribution drift between two datasets: per feature mean |SHAP| change, PSI and Wasserstein distance of SHAP values, flagged")
        {
            model, baseline, current, background, method, psi, change, format, outFile,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!, parse.GetValue(baseline)!, parse.GetValue(current)!, parse.GetValue(background), parse.GetValue(method),
            new DriftThresholds(parse.GetValue(psi), parse.GetValue(change)), parse.GetValue(format) ?? "text", parse.GetValue(outFile)));
        return command;
    }

    private int Run(string modelPath, string baselinePath, string currentPath, string? backgroundPath, string? method, DriftThresholds thresholds, string format, string? outFile)
    {
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown format '{format}'; expected one of: {string.Join(", ", Formats)}");
        }

        foreach (string path in (string[])[baselinePath, currentPath])
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"no input file at {path}", path);
            }
        }

        if (outFile is not null)
        {
            ExplainCommand.RequireOutDoesNotOverwriteInputs(outFile, baselinePath, backgroundPath, modelPath);
            ExplainCommand.RequireOutDoesNotOverwriteInputs(outFile, currentPath, null, modelPath);
        }

        using var loaded = LoadedModel.Load(modelPath, InputTable.Columns(baselinePath), backgroundPath);
        var options = new SummarizeOptions(new ExplainOptions(method, AllowExtraColumns: true, DegreeOfParallelism: Environment.ProcessorCount));
        var outcome = DriftService.Compare(loaded, Read(loaded, baselinePath), Read(loaded, currentPath), options, thresholds, ($"--baseline {baselinePath}", $"--current {currentPath}"));
        var a = outcome.Baseline.Whole;
        var report = new DriftReport(loaded.Id, loaded.Version, loaded.Sha256, a.Method, a.OutputSpace.ToString().ToLowerInvariant(), a.OutputName, a.RowCount,
            outcome.Current.Whole.RowCount, outcome.Baseline.Parameters, thresholds, outcome.Features);

        using var writer = outFile is null ? null : new StreamWriter(outFile);
        var target = (TextWriter?)writer ?? output;
        if (format == "json")
        {
            DriftJsonWriter.Write(report, target);
        }
        else
        {
            DriftTextWriter.Write(report, target);
        }

        return 0;
    }

    private static FeatureTable Read(LoadedModel model, string path)
    {
        var rows = InputTable.Read(path, model.Card);
        ExplainCommand.RequireOnlyModelInputs(model, rows);
        return rows;
    }
}
