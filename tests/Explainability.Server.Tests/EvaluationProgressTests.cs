using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Server.Explaining;
using Explainability.Server.Models;

namespace Explainability.Server.Tests;

/// <summary>The progress a long model-agnostic run reports: counted from the rows ONNX Runtime actually evaluated.</summary>
public sealed class EvaluationProgressTests
{
    /// <summary>
    /// KernelSHAP with nsamples = 82 coalitions over 200 background rows for 2 rows evaluates exactly
    /// 2 x (82 x 200 + 1) = 32,802 rows: every coalition against every background row, and f(x) once per row (the base
    /// value over the background is computed when the game is built). That is the estimate the limit is checked against;
    /// the last report says so.
    /// </summary>
    [Fact]
    public void Kernel_reports_every_model_evaluation_up_to_the_estimate()
    {
        using var model = LoadedModel.Load(Path.Combine(ServerFixture.ModelsDirectory, "credit-risk"));
        var rows = Take(model.Background!, 2);
        var reports = new List<EvaluationProgress>();
        var progress = new Collect(reports);

        ExplanationService.Explain(model, rows, new ExplainOptions(MethodNames.Kernel, AllowExtraColumns: true, NSamples: 82, Progress: progress));

        var last = reports[^1];
        Assert.Equal(MethodNames.Kernel, last.Method);
        Assert.Equal(2 * ((82 * 200) + 1), last.Estimated);
        Assert.Equal(2 * ((82 * 200) + 1), last.Evaluated);
        Assert.All(reports, r => Assert.InRange(r.Evaluated, 0, r.Estimated));
    }

    [Fact]
    public void Exact_methods_report_nothing()
    {
        using var model = LoadedModel.Load(Path.Combine(ServerFixture.ModelsDirectory, "credit-risk"));
        var reports = new List<EvaluationProgress>();

        ExplanationService.Explain(model, Take(model.Background!, 1), new ExplainOptions(MethodNames.TreePathDependent, AllowExtraColumns: true, Progress: new Collect(reports)));

        Assert.Empty(reports);
    }

    private static FeatureTable Take(FeatureTable table, int rows) => table.SelectRows(Enumerable.Range(0, rows));

    private sealed class Collect(List<EvaluationProgress> into) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            lock (into)
            {
                into.Add(value);
            }
        }
    }
}
