namespace Explainability.Core.Explanations;

/// <summary>
/// The single place that maps the columns a model computes on (the tree ensemble's or linear model's input vector,
/// after preprocessing such as one-hot encoding) to the raw input features a person supplies. Explainers treat each raw
/// feature as one player of the Shapley game: all columns of a one-hot encoded feature enter or leave a coalition
/// together, so the attributions are the Shapley values of the raw features (not sums of per-column values, which are
/// a different quantity for trees).
/// </summary>
public sealed class FeatureMap
{
    /// <summary>Creates a map.</summary>
    /// <param name="featureNames">Raw feature names, <c>[features]</c>.</param>
    /// <param name="columnToFeature">Raw feature index of each model column, <c>[columns]</c>; -1 for a column that depends on no feature (a constant).</param>
    /// <exception cref="ArgumentException">A column points outside the feature list.</exception>
    public FeatureMap(IReadOnlyList<string> featureNames, int[] columnToFeature)
    {
        foreach (int f in columnToFeature)
        {
            if (f < -1 || f >= featureNames.Count)
            {
                throw new ArgumentException($"column maps to feature {f}, but there are {featureNames.Count} features", nameof(columnToFeature));
            }
        }

        FeatureNames = featureNames;
        ColumnToFeature = columnToFeature;
    }

    /// <summary>Raw feature names, <c>[features]</c>.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Raw feature index per model column, <c>[columns]</c>.</summary>
    public int[] ColumnToFeature { get; }

    /// <summary>Number of raw features.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Number of model columns.</summary>
    public int ColumnCount => ColumnToFeature.Length;

    /// <summary>The identity map: column i is feature i.</summary>
    public static FeatureMap Identity(IReadOnlyList<string> featureNames) =>
        new(featureNames, Enumerable.Range(0, featureNames.Count).ToArray());

    /// <summary>
    /// The player of each column for the SHAP algorithms, <c>[columns]</c>: the raw feature index, or
    /// <see cref="FeatureCount"/> for a column that depends on no feature (a constant, an extra player whose value
    /// is 0 whenever the column is constant over the rows and background, and is dropped from the explanation).
    /// </summary>
    public int[] ColumnToPlayer() => ColumnToFeature.Select(f => f < 0 ? FeatureCount : f).ToArray();

    /// <summary>Number of players <see cref="ColumnToPlayer"/> uses: the features, plus one when some column depends on none.</summary>
    public int PlayerCount => ColumnToFeature.Any(f => f < 0) ? FeatureCount + 1 : FeatureCount;
}
