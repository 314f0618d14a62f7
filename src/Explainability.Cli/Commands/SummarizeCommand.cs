using System.CommandLine;
using Explainability.Cli.Input;
using Explainability.Cli.Output;
using Explainability.Core.Summaries;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Server.Summaries;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>summarize --model &lt;folder | file.onnx&gt; --input rows.csv|rows.parquet [--background bg.csv] [--method M] [--cohort COLUMN] [--interactions K] [--bins B]
/// [--format json|text] [--out FILE]</c>: a global summary of the model's explanations over the rows (README, "summarize"),
/// computed by <see cref="SummaryService"/> over chunks of rows explained as <c>explain</c> explains them.
/// </summary>
/// <remarks>Input as for <c>explain</c> (the same reading, binding and validation); the cohort column may be any column
/// of the input, a feature or not. Failures exit with 2: those of <c>explain</c>, an unknown cohort column, bins outside
/// 1..1000, negative interactions, interactions with a model TreeSHAP cannot take.</remarks>
internal sealed class SummarizeCommand(TextWriter output) : ICliCommand
{
    /// <summary>The values <c>--format</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Formats = ["text", "json"];

    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model folder (with model-card.json) or a bare .onnx file", Required = true };
        var input = new Option<string>("--input") { Description = "CSV (header = feature names; empty or NaN = missing) or .parquet file of rows to summarize", Required = true };
        var background = new Option<string?>("--background") { Description = "Background CSV (default: the model card's; a bare .onnx file has none)" };
        var method = new Option<string?>("--method") { Description = "Explainer, as for explain (default: by model)" };
        var cohort = new Option<string?>("--cohort") { Description = "A column of the input whose values split the rows into cohorts" };
        var interactions = new Option<int>("--interactions") { Description = "SHAP interaction values for this many top features (path-dependent TreeSHAP; 0: none)" }.WholeNumber().AtLeast(0);
        var bins = new Option<int>("--bins") { Description = $"Bins of the beeswarm and dependence data (at most {SummaryOptions.MaxBins})", DefaultValueFactory = _ => SummaryOptions.DefaultBins }.WholeNumber().Between(1, SummaryOptions.MaxBins);
        var format = new Option<string?>("--format") { Description = "text (default) or json" };
        var outFile = new Option<string?>("--out") { Description = "Write here instead of standard output" };
        var command = new Command("summarize", "Global summary over a dataset: mean |SHAP|, beeswarm and dependence bins, interactions, cohorts")
        {
            model, input, background, method, cohort, interactions, bins, format, outFile,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!,
            parse.GetValue(input)!,
            parse.GetValue(background),
            new SummarizeOptions(
                new ExplainOptions(parse.GetValue(method), AllowExtraColumns: true, DegreeOfParallelism: Environment.ProcessorCount),
                parse.GetValue(bins),
                parse.GetValue(interactions),
                parse.GetValue(cohort)),
            parse.GetValue(format) ?? "text",
            parse.GetValue(outFile)));
        return command;
    }

    private int Run(string modelPath, string inputPath, string? backgroundPath, SummarizeOptions options, string format, string? outFile)
    {
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown format '{format}'; expected one of: {string.Join(", ", Formats)}");
        }

        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"no input file at {inputPath}", inputPath);
        }

        if (outFile is not null)
        {
            ExplainCommand.RequireOutDoesNotOverwriteInputs(outFile, inputPath, backgroundPath, modelPath);
        }

        using var loaded = LoadedModel.Load(modelPath, InputTable.Columns(inputPath), backgroundPath);
        var rows = InputTable.Read(inputPath, loaded.Card);
        ExplainCommand.RequireOnlyModelInputs(loaded, rows, options.CohortColumn);
        var outcome = SummaryService.Summarize(loaded, rows, options);

        using var writer = outFile is null ? null : new StreamWriter(outFile);
        var target = (TextWriter?)writer ?? output;
        if (format == "json")
        {
            SummaryJsonWriter.Write(outcome, target);
        }
        else
        {
            SummaryTextWriter.Write(outcome, target);
        }

        return 0;
    }
}
