namespace Explainability.Cli.Training;

/// <summary>
/// Fixed settings of the sample-model training. The defaults are what the shipped models were built with; changing
/// any of them changes the models, so the README of each model lists them.
/// </summary>
internal sealed record TrainingSettings
{
    /// <summary>Seed of the ML.NET context, LightGBM, the held-out split and the background sample.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Boosting rounds: one tree per round for a binary objective.</summary>
    public int Trees { get; init; } = 100;

    /// <summary>Maximum leaves per tree.</summary>
    public int Leaves { get; init; } = 16;

    /// <summary>Minimum training rows in a leaf.</summary>
    public int MinimumRowsPerLeaf { get; init; } = 20;

    /// <summary>LightGBM learning rate (shrinkage).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Rows in <c>background.csv</c>.</summary>
    public int BackgroundRows { get; init; } = 200;

    /// <summary>Rows in <c>reference.csv</c>: labelled rows outside the background, drawn with seed <see cref="Seed"/> + 1.</summary>
    public int ReferenceRows { get; init; } = 200;

    /// <summary>Share of rows held out to measure AUC.</summary>
    public double TestFraction { get; init; } = 0.2;
}
