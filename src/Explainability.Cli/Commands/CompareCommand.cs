using System.CommandLine;
using System.Diagnostics;
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
        var nsamples = new Option<int?>("--nsamples") { Description = "Sampling budget of kernel and permutation" };
        var seed = new Option<int>("--seed") { Description = $"Seed of kernel and permutation (default {ExplainMethods.DefaultSeed})", DefaultValueFactory = _ => ExplainMethods.DefaultSeed };
        var topK = new Option<int>("--top-k") { Description = $"k of the top-k overlap (default {TechniqueComparison.DefaultTopK})", DefaultValueFactory = _ => TechniqueComparison.DefaultTopK };
        var format = new Option<string?>("--format") { Description = "text (default), md or html" };
        var outFile = new Option<string?>("--out") { Description = "Write here instead of standard output" };
        var command = new Command("compare", "Run several explanation methods on the same rows and compare their cost and agreement")
        {
            model, input, background, methods, reference, space, nsamples, seed, topK, format, outFile,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!,
            parse.GetValue(input)!,
            parse.GetValue(background),
            parse.GetValue(methods)!,
            parse.GetValue(reference),
            new ExplainOptions(null, parse.GetValue(space), AllowExtraColumns: true, Environment.ProcessorCount, parse.GetValue(nsamples), parse.GetValue(seed)),
            parse.GetValue(topK),
            parse.GetValue(format) ?? "text",
            parse.GetValue(outFile)));
        return command;
    }

    /// <summary>
    /// Parses a comma-separated method list: at least two distinct known methods.
    /// </summary>
    /// <exception cref="CliException">Fewer than two methods, or one named twice.</exception>
    /// <exception cref="ArgumentException">An unknown method.</exception>
    public static IReadOnlyList<string> ParseMethods(IEnumerable<string> names)
    {
        var list = names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(n => ExplainMethods.Parse(n)!)
            .ToList();
        var repeated = list.GroupBy(m => m, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new CliException($"method '{repeated.Key}' is named twice in --methods");
        }

        if (list.Count < 2)
        {
            throw new CliException($"compare needs at least two methods; got {list.Count} ({string.Join(", ", list)})");
        }

        return list;
    }

    /// <summary>The reference: the one asked for (which must be among the methods), else <c>exact</c> when compared, else none.</summary>
    /// <exception cref="CliException">The reference is not among the methods.</exception>
    public static string? ResolveReference(IReadOnlyList<string> methods, string? reference)
    {
        if (string.IsNullOrEmpty(reference) || reference == "none")
        {
            return reference == "none" ? null : methods.Contains(MethodNames.Exact, StringComparer.Ordinal) ? MethodNames.Exact : null;
        }

        string parsed = ExplainMethods.Parse(reference)!;
        return methods.Contains(parsed, StringComparer.Ordinal)
            ? parsed
            : throw new CliException($"reference '{reference}' is not among the compared methods: {string.Join(", ", methods)}");
    }

    /// <summary>
    /// Runs every method on <paramref name="rows"/> (timed) and compares them.
    /// </summary>
    /// <exception cref="InvalidOperationException">A method <paramref name="model"/> cannot do (the message names it and lists the supported ones).</exception>
    public static TechniqueComparison Compare(LoadedModel model, FeatureTable rows, IReadOnlyList<string> methods, string? reference, ExplainOptions options, int topK)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(options);
        var supported = ExplainMethods.SupportedBy(model);
        foreach (var method in methods)
        {
            if (!supported.Contains(method, StringComparer.Ordinal))
            {
                throw new CliException(
                    $"model '{model.Id}' cannot be explained with method '{method}'; it supports: {string.Join(", ", supported)}");
            }
        }

        var runs = new List<TechniqueRun>();
        foreach (var method in methods)
        {
            var methodOptions = options with { Method = method, NSamples = ExplainMethods.IsSampled(method) ? options.NSamples : null };
            var watch = Stopwatch.StartNew();
            var outcome = ExplanationService.Explain(model, rows, methodOptions);
            watch.Stop();
            runs.Add(TechniqueRun.FromExplanation(outcome.Explanation, watch.Elapsed, method));
        }

        return TechniqueComparison.Compute(runs, reference, topK);
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

        var methods = ParseMethods([methodList]);
        string? reference = ResolveReference(methods, referenceName);
        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"no input file at {inputPath}", inputPath);
        }

        if (outFile is not null && Directory.Exists(outFile))
        {
            throw new CliException($"--out {outFile} is a folder; name a file to write");
        }

        var header = CsvTableReader.Parse(FirstLine(inputPath), inputPath).Columns;
        using var loaded = LoadedModel.Load(modelPath, header, backgroundPath);
        var rows = LoadedModel.ReadTable(inputPath, loaded.Card);
        var comparison = Compare(loaded, rows, methods, reference, options, topK);
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
