using Explainability.Server.Explaining;
using Spectre.Console;

namespace Explainability.Cli.Output;

/// <summary>
/// A progress bar on standard error for model-agnostic explanations (KernelSHAP, permutation, exact), which can run for
/// minutes on a model ONNX Runtime evaluates in tens of microseconds a row. Shown only when standard error is a terminal,
/// so redirected output and scripts see nothing of it.
/// </summary>
internal static class EvaluationProgressBar
{
    /// <summary>Runs <paramref name="work"/> with a progress callback; the bar appears when standard error is a terminal.</summary>
    public static T Run<T>(Func<IProgress<EvaluationProgress>?, T> work)
    {
        if (Console.IsErrorRedirected)
        {
            return work(null);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new Progress(update =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(update.Method, out var task))
                        {
                            tasks[update.Method] = task = context.AddTask($"{update.Method}: model evaluations", maxValue: Math.Max(1, update.Estimated));
                        }

                        task.Value = Math.Min(update.Evaluated, task.MaxValue);
                    }
                });
                result = work(progress);
            });
        return result;
    }

    /// <summary>Reports on the caller's thread (no synchronization context), unlike <see cref="Progress{T}"/>.</summary>
    private sealed class Progress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }
}
