using System.CommandLine;
using System.Text.Json;
using Explainability.Cli.Output;
using Explainability.Core.Data;
using Explainability.Core.Drift;
using Explainability.Core.Explanations;
using Explainability.Server.Explaining;
using Explainability.Server.Models;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>drift --model &lt;folder | file.onnx&gt; --baseline a.csv --current b.csv [--method M] [--psi X] [--change X]
/// [--format text|json] [--out FILE]</c>: attribution drift between two datasets (README, "drift"): both are explained
/// with the same model, method and output space as <c>explain</c> explains them, then per feature
/// <see cref="AttributionDrift"/> compares their SHAP values of the explained output.
/// </summary>
/// <remarks>Input as for <c>explain</c>; failures exit with 2, as there (and thresholds that are negative).</remarks>
internal sealed class DriftCommand(TextWriter output) : ICliCommand
{
    /// <summary>The values <c>--format</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Formats = ["text", "json"];

    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model folder (with model-card.json) or a bare .onnx file", Required = true };
        var baseline = new Option<string>("--baseline") { Description = "CSV of the baseline rows (for example last month)", Required = true };
        var current = new Option<string>("--current") { Description = "CSV of the current rows (for example this month)", Required = true };
        var method = new Option<string?>("--method") { Description = "Explainer, as for explain (default: by model)" };
        var psi = new Option<double>("--psi") { Description = "PSI at or above which a feature is flagged (default 0.2)", DefaultValueFactory = _ => new DriftThresholds().Psi };
        var change = new Option<double>("--change") { Description = "Relative change of mean |SHAP| at or above which a feature is flagged (default 0.2)", DefaultValueFactory = _ => new DriftThresholds().RelativeMeanAbsChange };
        var format = new Option<string?>("--format") { Description = "text (default) or json" };
        var outFile = new Option<string?>("--out") { Description = "Write here instead of standard output" };
        var command = new Command("drift", "Attribution drift between two datasets: per feature mean |SHAP| change, PSI and Wasserstein distance of SHAP values, flagged")
        {
            model, baseline, current, method, psi, change, format, outFile,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!, parse.GetValue(baseline)!, parse.GetValue(current)!, parse.GetValue(method),
            new DriftThresholds(parse.GetValue(psi), parse.GetValue(change)), parse.GetValue(format) ?? "text", parse.GetValue(outFile)));
        return command;
    }

    private int Run(string modelPath, string baselinePath, string currentPath, string? method, DriftThresholds thresholds, string format, string? outFile)
    {
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown format '{format}'; expected one of: {string.Join(", ", Formats)}");
        }

        if (thresholds.Psi < 0 || thresholds.RelativeMeanAbsChange < 0)
        {
            throw new ArgumentException($"--psi and --change must be 0 or more; got {thresholds.Psi} and {thresholds.RelativeMeanAbsChange}");
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
            ExplainCommand.RequireOutDoesNotOverwriteInputs(outFile, baselinePath, currentPath, modelPath);
        }

        var header = CsvTableReader.Parse(ExplainCommand.FirstLine(baselinePath), baselinePath).Columns;
        using var loaded = LoadedModel.Load(modelPath, header);
        var options = new ExplainOptions(method, AllowExtraColumns: true, DegreeOfParallelism: Environment.ProcessorCount);
        var a = Explain(loaded, baselinePath, options);
        var b = Explain(loaded, currentPath, options);
        int outputIndex = loaded.ExplainedOutput(a);
        var drift = AttributionDrift.Compare(a.FeatureNames, Column(a, outputIndex), Column(b, outputIndex), thresholds);
        var report = new DriftReport(loaded.Id, loaded.Version, a.Method, a.OutputSpace.ToString().ToLowerInvariant(), a.OutputNames[outputIndex], a.RowCount, b.RowCount, thresholds, drift);

        using var writer = outFile is null ? null : new StreamWriter(outFile);
        var target = (TextWriter?)writer ?? output;
        if (format == "json")
        {
            target.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        }
        else
        {
            DriftTextWriter.Write(report, target);
        }

        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static Explanation Explain(LoadedModel model, string path, ExplainOptions options)
    {
        var rows = LoadedModel.ReadTable(path, model.Card);
        ExplainCommand.RequireOnlyModelInputs(model, rows);
        return ExplanationService.Explain(model, rows, options).Explanation;
    }

    /// <summary>SHAP values of one output, <c>[rows, features]</c>.</summary>
    private static double[] Column(Explanation e, int output)
    {
        int m = e.FeatureCount, k = e.OutputCount;
        var values = new double[e.RowCount * m];
        for (int r = 0; r < e.RowCount; r++)
        {
            for (int f = 0; f < m; f++)
            {
                values[(r * m) + f] = e.ShapValues[(((r * m) + f) * k) + output];
            }
        }

        return values;
    }
}
