namespace Explainability.Core.Models;

/// <summary>
/// The single model abstraction black-box explainers use: a batch of rows in, a batch of outputs out.
/// Implementations must be thread-safe.
/// </summary>
public interface IBatchModel
{
    /// <summary>Number of input columns per row.</summary>
    int InputCount { get; }

    /// <summary>Number of outputs per row.</summary>
    int OutputCount { get; }

    /// <summary>Evaluates <paramref name="rows"/> <c>[rows, inputs]</c> into <paramref name="outputs"/> <c>[rows, outputs]</c>.</summary>
    void Predict(ReadOnlySpan<double> rows, Span<double> outputs);
}
