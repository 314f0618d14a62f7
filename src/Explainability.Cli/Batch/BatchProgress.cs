using Explainability.Server.Explaining;

namespace Explainability.Cli.Batch;

/// <summary>Receives a batch explanation's progress: input bytes and rows done after each chunk, and the model evaluations of
/// a model-agnostic method within the running chunk.</summary>
internal interface IBatchProgress
{
    /// <summary>The evaluations of the running chunk (<see cref="ExplainOptions.Progress"/>), or null to report none.</summary>
    IProgress<EvaluationProgress>? Evaluations { get; }

    /// <summary>A chunk finished: <paramref name="rows"/> input rows are done in all, up to byte <paramref name="bytes"/> of the input.</summary>
    void ChunkDone(long rows, long bytes);
}
