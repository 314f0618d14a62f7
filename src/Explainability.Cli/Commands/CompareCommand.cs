using System.CommandLine;
using Explainability.Cli.Output;
using Explainability.Core.Comparison;
using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.Comparison;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>compare --model M --input rows.csv [--background bg.csv] --methods a,b,... [--reference NAME] [--nsamples N]
/// [--seed S] [--output-space margin|probability] [--top-k K] [--format text|md|html] [--out FILE]</c>: runs every method
/// on the same rows and reports per technique its cost, additivity residual, standard errors and distance to the
/// reference, and per pair of techniques the Spearman rank correlation and top-k overlap (README, "compare").
/// </summary>
/// <remarks>
/// The reference defaults to <c>exact</c> when it is among the methods, else none. Failures (exit code 2): fewer than two
/// methods, a method named twice, an unknown method, a method the model cannot do, a reference not among the methods, an
/// unknown format, and every failure of <c>explain</c>.
/// </remarks>
internal sealed class CompareCommand(TextWriter output) : ICliCommand
{
    /// <summary>The values <c>--format</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Formats = ["text", "md", "html"];

    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model folder (with model-card.json) or a bare .onnx file", Required = true };
        var input = new Option<string>("--input") { Description = "CSV of rows to explain (header = feature names; empty or NaN = missing)", Required = true };
        var background = new Option<string?>("--background") { Description = "Background CSV (default: the model card's)" };
        var methods = new Option<string>("--methods") { Description = "Comma-separated methods to compare (at least two)", Required = true };
        var reference = new Option<string?>("--reference") { Description = "Method holding exact SHAP values (default: exact when among the methods, else none)" };
        var space = new Option<string?>("--output-space") { Description = "margin or probability (default: the methods' default; must be the same for all)" };
        var nsamples = new Option<int?>("--nsamples") { Description = "Sampling budget of kernel and permutation" }.WholeNumber();
        var seed = new Option<int?>("--seed") { Description = $"Seed of kernel and permutation (default {ExplainMethods.DefaultSeed}); refused for the exact methods" }.WholeNumber();
        var topK = new Option<int>("--top-k") { Description = "k of the top-k overlap", DefaultValueFactory = _ => TechniqueComparison.DefaultTopK }.WholeNumber();
        var format = new Option<string?>("--format") { Description = "text (default), md or html" };
        var outFile = new Option<string?>("--out") { Description = "Write here instead of standard output" };
        var maxEvaluations = ExplainCommand.MaxEvaluationsOption();
        var command = new Command("compare", "Run several explanation methods on the same rows and compare their cost and agreement")
        {
            model, input, background, methods, reference, space, nsamples, seed, topK, format, outFile, maxEvaluations,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!,
            parse.GetValue(input)!,
            parse.GetValue(background),
            parse.GetValue(methods)!,
            parse.GetValue(reference),
            new ExplainOptions(null, parse.GetValue(space), AllowExtraColumns: true, Environment.ProcessorCount, parse.GetValue(nsamples), parse.GetValue(seed),
                MaxModelEvaluations: parse.GetValue(maxEvaluations)),
            parse.GetValue(topK),
            parse.GetValue(format) ?? "text",
            parse.GetValue(outFile)));
        return command;
    }

    private int Run(string modelPath, string inputPath, string? backgroundPath, string methodList, string? referenceName, ExplainOptions options, int topK, string format, string? outFile)
    {
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown format '{format}'; expected one of: {string.Join(", ", Formats)}");
        }

        if (topK < 1)
        {
            throw new CliException($"--top-k must be at least 1; got {topK}");
        }

        var methods = TechniqueComparer.ParseMethods([methodList]);
        string? reference = TechniqueComparer.ResolveReference(methods, referenceName);
        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"no input file at {inputPath}", inputPath);
        }

        if (outFile is not null)
        {
            ExplainCommand.RequireOutDoesNotOverwriteInputs(outFile, inputPath, backgroundPath, modelPath);
        }

        var header = CsvTableReader.Parse(FirstLine(inputPath), inputPath).Columns;
        using var loaded = LoadedModel.Load(modelPath, header, backgroundPath);
        var rows = LoadedModel.ReadTable(inputPath, loaded.Card);
        ExplainCommand.RequireOnlyModelInputs(loaded, rows);
        var comparison = EvaluationProgressBar.Run(progress => TechniqueComparer.Compare(loaded, rows, methods, reference, options with { Progress = progress }, topK));
        var view = ComparisonViewBuilder.Build(comparison, loaded.Card);
        string rendered = ViewService.CreateDefault().RenderComparison(view, format);

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

    private static string FirstLine(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine() ?? "";
    }
}
