using System.CommandLine;
using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.Rendering;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>demo [--models DIR] [--rows N] [--format text|md]</c>: the main job on the shipped models. Explains all
/// background rows of each model exactly (path-dependent TreeSHAP, covers counted from the background) and prints
/// every audience's view with what it leaves out.
/// </summary>
internal sealed class DemoCommand(TextWriter output) : ICliCommand
{
    public Command Build()
    {
        var models = new Option<string?>("--models") { Description = "Models folder (default: the shipped models/)" };
        var rows = new Option<int>("--rows") { Description = "Rows to explain per model", DefaultValueFactory = _ => 2 }.WholeNumber();
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

        var views = ViewService.CreateDefault();
        RequireFormatOfEveryAudience(views, format);
        using var registry = ModelRegistry.LoadDirectory(modelsDir);
        var service = new ExplanationService(views);
        foreach (var model in registry.Models)
        {
            var background = model.Background ?? throw new CliException($"model '{model.Id}' has no background rows to demonstrate on");
            var outcome = ExplanationService.Explain(model, background, new ExplainOptions(MethodNames.TreePathDependent, AllowExtraColumns: true));
            var e = outcome.Explanation;
            double maxResidual = e.AdditivityResiduals.Max(Math.Abs);
            output.WriteLine(new string('=', 100));
            output.WriteLine($"Model {model.Id} {model.Version}  sha256 {model.Sha256}");
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Method {e.Method}, covers {e.Parameters.GetValueOrDefault("covers_source")}; all {e.RowCount} background rows explained: max |additivity residual| {maxResidual:G3}; max |link(margin) - ONNX Runtime| {outcome.RuntimeMaxAbsoluteError:G3}"));
            if (rowCount > e.RowCount)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--rows {rowCount}: the background has {e.RowCount} rows, all of them shown"));
            }

            foreach (int r in Showcase(model, e, rowCount))
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

    /// <summary>The demo shows every audience, so <paramref name="format"/> must be one they all render in; refused before
    /// anything is explained rather than halfway through.</summary>
    /// <exception cref="CliException">Some audience has no template in the format; the message names them and the formats all have.</exception>
    private static void RequireFormatOfEveryAudience(ViewService views, string format)
    {
        var common = Audiences.All.Select(a => views.Renderer.FormatsFor(a)).Aggregate((x, y) => [.. x.Intersect(y, StringComparer.Ordinal)]);
        if (!TemplateRenderer.ExplanationFormats.Contains(format, StringComparer.Ordinal))
        {
            TemplateRenderer.RequireFormat(format, common);
        }

        if (!common.Contains(format, StringComparer.Ordinal))
        {
            var lacking = Audiences.All.Where(a => !views.Renderer.FormatsFor(a).Contains(format, StringComparer.Ordinal)).ToList();
            throw new CliException($"--format {format}: the demo shows every audience, and {string.Join(", ", lacking)} {(lacking.Count == 1 ? "has" : "have")} no {format} view; expected one of: {string.Join(", ", common)}");
        }
    }

    /// <summary>
    /// Rows to show: alternately the next case at or above the card's decision threshold and the next below it (so both
    /// outcomes are seen), in background order, until <paramref name="count"/> rows are picked.
    /// </summary>
    private static List<int> Showcase(LoadedModel model, Explanation e, int count)
    {
        int output = ExplanationContext.PositiveOutput(e, model.Card);
        var probability = new double[e.OutputCount];
        var adverse = new Queue<int>();
        var favourable = new Queue<int>();
        for (int r = 0; r < e.RowCount; r++)
        {
            Link.Apply(e.Link, e.ModelOutputs.AsSpan(r * e.OutputCount, e.OutputCount), probability);
            (probability[output] >= model.Card.Output.DecisionThreshold ? adverse : favourable).Enqueue(r);
        }

        var picked = new List<int>();
        while (picked.Count < count && (adverse.Count > 0 || favourable.Count > 0))
        {
            var next = (picked.Count % 2 == 0 && adverse.Count > 0) || favourable.Count == 0 ? adverse : favourable;
            picked.Add(next.Dequeue());
        }

        return picked;
    }
}
