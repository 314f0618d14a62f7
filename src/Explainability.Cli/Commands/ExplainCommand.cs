using System.CommandLine;
using System.Text.Json;
using Explainability.Cli.Output;
using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>explain --model &lt;folder | file.onnx&gt; --input rows.csv [--background bg.csv] [--method interventional|tree_path_dependent]
/// [--output-space margin] [--format csv|json|text] [--audience NAME] [--out FILE]</c>.
/// A stable contract used by external checks: the CSV columns are <c>row,output,&lt;features&gt;,base_value,model_output</c>.
/// </summary>
internal sealed class ExplainCommand(TextWriter output) : ICliCommand
{
    public Command Build()
    {
        var model = new Option<string>("--model") { Description = "Model folder (with model-card.json) or a bare .onnx file", Required = true };
        var input = new Option<string>("--input") { Description = "CSV of rows to explain (header = feature names; empty or NaN = missing)", Required = true };
        var background = new Option<string?>("--background") { Description = "Background CSV (default: the model card's)" };
        var method = new Option<string>("--method") { Description = "tree_path_dependent or interventional", DefaultValueFactory = _ => MethodNames.TreePathDependent };
        var space = new Option<string>("--output-space") { Description = "margin", DefaultValueFactory = _ => "margin" };
        var format = new Option<string>("--format") { Description = "csv, json or text", DefaultValueFactory = _ => "csv" };
        var audience = new Option<string?>("--audience") { Description = "Render this audience's view (text format)" };
        var outFile = new Option<string?>("--out") { Description = "Write here instead of standard output" };
        var command = new Command("explain", "Explain rows of a model with exact TreeSHAP")
        {
            model, input, background, method, space, format, audience, outFile,
        };
        command.SetAction(parse => Run(
            parse.GetValue(model)!,
            parse.GetValue(input)!,
            parse.GetValue(background),
            parse.GetValue(method)!,
            parse.GetValue(space)!,
            parse.GetValue(format)!,
            parse.GetValue(audience),
            parse.GetValue(outFile)));
        return command;
    }

    private int Run(string modelPath, string inputPath, string? backgroundPath, string methodName, string space, string format, string? audience, string? outFile)
    {
        var method = MethodNames.Parse(methodName);
        if (format is not ("csv" or "json" or "text"))
        {
            throw new ArgumentException($"unknown format '{format}': expected csv, json or text");
        }

        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"no input file at {inputPath}", inputPath);
        }

        // A bare ONNX file with one [N, M] input takes its feature names from the CSV header.
        var header = CsvTableReader.Parse(FirstLine(inputPath), inputPath).Columns;
        using var loaded = LoadedModel.Load(modelPath, header, backgroundPath);
        var rows = LoadedModel.ReadTable(inputPath, loaded.CardIsDerived ? null : loaded.Card);
        var outcome = ExplanationService.Explain(loaded, rows, new ExplainOptions(method, space, AllowExtraColumns: true, Environment.ProcessorCount));

        using var writer = outFile is null ? null : new StreamWriter(outFile);
        var target = (TextWriter?)writer ?? output;
        if (audience is not null || format == "text")
        {
            var service = new ExplanationService(ViewService.CreateDefault());
            for (int r = 0; r < outcome.Explanation.RowCount; r++)
            {
                var view = service.Render(outcome, r, audience ?? Audiences.DataScientist, "text");
                target.WriteLine(view.Rendered.TrimEnd());
                target.WriteLine();
            }
        }
        else if (format == "json")
        {
            target.WriteLine(JsonSerializer.Serialize(outcome.Explanation, JsonOptions));
        }
        else
        {
            ExplanationCsvWriter.Write(outcome.Explanation, target);
        }

        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static string FirstLine(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine() ?? "";
    }
}
