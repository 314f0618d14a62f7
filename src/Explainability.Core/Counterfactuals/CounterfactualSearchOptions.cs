namespace Explainability.Core.Counterfactuals;

/// <summary>Bounds of a <see cref="CounterfactualSearch"/>. Immutable.</summary>
public sealed record CounterfactualSearchOptions
{
    /// <summary>Most rows sent to the model, the unchanged row included; default 4096. The search is deterministic, so the
    /// same budget always gives the same result.</summary>
    public int MaxEvaluations { get; init; } = 4096;

    /// <summary>Most rows per model call; default 512.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Most counterfactuals returned; default 3.</summary>
    public int MaxResults { get; init; } = 3;

    /// <summary>Whether pairs of features are tried when no single feature suffices for them; default true.</summary>
    public bool TryPairs { get; init; } = true;

    /// <summary>Checks the bounds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is below 1.</exception>
    public CounterfactualSearchOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEvaluations, 1, nameof(MaxEvaluations));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResults, 1, nameof(MaxResults));
        return this;
    }
}
