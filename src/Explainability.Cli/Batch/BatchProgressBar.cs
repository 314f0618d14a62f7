using System.Diagnostics;
using System.Globalization;
using Explainability.Server.Explaining;
using Spectre.Console;

namespace Explainability.Cli.Batch;

/// <summary>
/// The progress bar of a batch explanation on standard error: the share of the input file's bytes done, rows done, rows per
/// second of this run and the remaining time (Spectre.Console's estimate from the recent rate). Shown only when standard
/// error is a terminal, as <see cref="Output.EvaluationProgressBar"/>, so redirected output and scripts see nothing of it.
/// </summary>
internal static class BatchProgressBar
{
    /// <summary>Runs <paramref name="work"/> with a progress receiver (null when standard error is redirected).</summary>
    /// <param name="inputBytes">Length of the input file.</param>
    /// <param name="rowsDone">Rows an earlier run finished (a resumed run starts there).</param>
    /// <param name="bytesDone">Input bytes an earlier run finished.</param>
    /// <param name="work">The batch.</param>
    public static void Run(long inputBytes, long rowsDone, long bytesDone, Action<IBatchProgress?> work)
    {
        if (Console.IsErrorRedirected)
        {
            work(null);
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var rows = context.AddTask(Description(rowsDone, 0), maxValue: Math.Max(1, inputBytes));
                rows.Value = bytesDone;
                work(new Bar(context, rows, rowsDone));
            });
    }

    private static string Description(long rows, double rate) =>
        string.Create(CultureInfo.InvariantCulture, $"explain: {rows:N0} rows, {rate:N0} rows/s");

    private sealed class Bar(ProgressContext context, ProgressTask rows, long startRows) : IBatchProgress, IProgress<EvaluationProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Dictionary<string, ProgressTask> _evaluations = new(StringComparer.Ordinal);

        public IProgress<EvaluationProgress>? Evaluations => this;

        public void ChunkDone(long rowCount, long bytes)
        {
            double seconds = Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
            rows.Description = Description(rowCount, (rowCount - startRows) / seconds);
            rows.Value = Math.Min(bytes, rows.MaxValue);
        }

        public void Report(EvaluationProgress value)
        {
            lock (_evaluations)
            {
                if (!_evaluations.TryGetValue(value.Method, out var task))
                {
                    _evaluations[value.Method] = task = context.AddTask($"{value.Method}: model evaluations of the chunk", maxValue: Math.Max(1, value.Estimated));
                }

                // Each chunk is one explanation: its estimate starts the task over.
                task.MaxValue = Math.Max(1, value.Estimated);
                task.Value = Math.Min(value.Evaluated, task.MaxValue);
            }
        }
    }
}
