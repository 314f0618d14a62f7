using System.CommandLine;
using System.Globalization;
using Explainability.Core.Shap;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>demo [--models DIR] [--rows N] [--format text|md]</c>: the main job on the shipped models. Explains real
/// background rows of each model exactly (path-dependent TreeSHAP, covers counted from the background) and prints
/// every audience's view with what it leaves out.
/// </summary>
internal sealed class DemoCommand(TextWriter output) : ICliCommand
{
    public Command Build()
    {
        var models = new Option<string?>("--models") { Description = "Models folder (default: the shipped models/)" };
        var rows = new Option<int>("--rows") { Description = "Rows to explain per model", DefaultValueFactory = _ => 2 };
        var format = new Option<string>("--format") { Description = "View format: text or md", DefaultValueFactory = _ => "text" };
        var command = new Command("demo", "Explain real rows of the shipped models for every audience") { models, rows, format };
        command.SetAction(parse => Run(parse.GetValue(models) ?? RepoPaths.ModelsDirectory(), parse.GetValue(rows), parse.GetValue(format)!));
        return command;
    }

    private int Run(string modelsDir, int rowCount, string format)
    {
        if (rowCount < 1)
        {
            throw new ArgumentException($"--rows must be at least 1, got {rowCount}");
        }

        using var registry = ModelRegistry.LoadDirectory(modelsDir);
        var service = new ExplanationService(ViewService.CreateDefault());
        foreach (var model in registry.Models)
        {
            var background = model.Background ?? throw new CliException($"model '{model.Id}' has no background rows to demonstrate on");
            var picked = background.SelectRows(Enumerable.Range(0, Math.Min(rowCount, background.RowCount)));
            var outcome = ExplanationService.Explain(model, picked, new ExplainOptions(TreeShapMethod.PathDependent, AllowExtraColumns: true));
            var e = outcome.Explanation;
            double maxResidual = e.AdditivityResiduals.Max(Math.Abs);
            output.WriteLine(new string('=', 100));
            output.WriteLine($"Model {model.Id} {model.Version}  sha256 {model.Sha256}");
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Method {e.Method}, covers {e.Parameters.GetValueOrDefault("covers_source")}; max |additivity residual| {maxResidual:G3}; max |link(margin) - ONNX Runtime| {outcome.RuntimeMaxAbsoluteError:G3}"));
            for (int r = 0; r < e.RowCount; r++)
            {
                foreach (var audience in Audiences.All)
                {
                    var view = service.Render(outcome, r, audience, format);
                    output.WriteLine(new string('-', 100));
                    output.WriteLine($"[{model.Id}] row {r} - {audience}");
                    output.WriteLine(new string('-', 100));
                    output.WriteLine(view.Rendered.TrimEnd());
                }
            }
        }

        return 0;
    }
}
