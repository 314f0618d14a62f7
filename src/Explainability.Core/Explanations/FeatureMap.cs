namespace Explainability.Core.Explanations;

/// <summary>
/// The single place that maps the columns a model computes on (the tree ensemble's or linear model's input vector,
/// after preprocessing such as one-hot encoding) to the raw input features a person supplies. Attributions of
/// the columns of one raw feature are summed into that feature (Shapley values are additive over a partition of
/// a linear combination; for trees this is the usual "sum of one-hot SHAP values" convention).
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
    /// Sums column attributions <paramref name="columnPhi"/> <c>[columns, outputs]</c> into
    /// <paramref name="featurePhi"/> <c>[features, outputs]</c> (overwritten).
    /// </summary>
    public void SumIntoFeatures(ReadOnlySpan<double> columnPhi, Span<double> featurePhi, int outputCount)
    {
        featurePhi.Clear();
        for (int c = 0; c < ColumnToFeature.Length; c++)
        {
            int f = ColumnToFeature[c];
            if (f < 0)
            {
                continue;
            }

            for (int o = 0; o < outputCount; o++)
            {
                featurePhi[(f * outputCount) + o] += columnPhi[(c * outputCount) + o];
            }
        }
    }
}
