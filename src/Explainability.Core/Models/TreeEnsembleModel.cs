using Explainability.Core.Trees;

namespace Explainability.Core.Models;

/// <summary>
/// A <see cref="TreeEnsemble"/> as an <see cref="IBatchModel"/>: margins <c>[rows, outputs]</c> computed in double by
/// <see cref="TreeEnsemble.Evaluate"/>. Lets the model-agnostic explainers be checked against exact TreeSHAP and
/// benchmarked without ONNX Runtime. Thread-safe (the ensemble is immutable).
/// </summary>
/// <param name="ensemble">The ensemble.</param>
public sealed class TreeEnsembleModel(TreeEnsemble ensemble) : IBatchModel
{
    /// <inheritdoc/>
    public int InputCount => ensemble.FeatureCount;

    /// <inheritdoc/>
    public int OutputCount => ensemble.OutputCount;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The spans are not whole rows or disagree on the row count.</exception>
    public void Predict(ReadOnlySpan<double> rows, Span<double> outputs)
    {
        int inputs = ensemble.FeatureCount, o = ensemble.OutputCount;
        int n = outputs.Length / o;
        if (outputs.Length % o != 0 || rows.Length != n * inputs)
        {
            throw new ArgumentException($"{rows.Length} input values and {outputs.Length} output values are not the same number of rows of {inputs} inputs and {o} outputs", nameof(rows));
        }

        for (int r = 0; r < n; r++)
        {
            ensemble.Evaluate(rows.Slice(r * inputs, inputs), outputs.Slice(r * o, o));
        }
    }
}
