using Explainability.Core.Data;

namespace Explainability.Views.Projection;

/// <summary>Where a case's value lies in the background data.</summary>
public static class Percentiles
{
    /// <summary>
    /// Numeric: mid-rank percentile, <c>100 * (#below + #equal / 2) / n</c> over the background's non-missing numbers.
    /// Categorical: <c>100 * #same / n</c>, the share of non-missing background rows with the same value.
    /// </summary>
    /// <returns>The percentile (0..100) and its kind (<c>midrank</c> or <c>same-category</c>), or nulls when the case value is
    /// missing or the background column has no usable values.</returns>
    public static (double? Percent, string? Kind) Of(FeatureTable background, string column, FeatureValue value, bool categorical)
    {
        int c = background.IndexOf(column);
        if (c < 0 || value.IsMissing)
        {
            return (null, null);
        }

        int n = 0, below = 0, equal = 0;
        for (int r = 0; r < background.RowCount; r++)
        {
            var b = background[r, c];
            if (b.IsMissing)
            {
                continue;
            }

            if (categorical)
            {
                n++;
                if (b == value)
                {
                    equal++;
                }
            }
            else if (!b.IsText)
            {
                n++;
                if (b.Number < value.Number)
                {
                    below++;
                }
                else if (b.Number == value.Number)
                {
                    equal++;
                }
            }
        }

        if (n == 0 || (!categorical && value.IsText))
        {
            return (null, null);
        }

        return categorical
            ? (100.0 * equal / n, "same-category")
            : (100.0 * (below + (equal / 2.0)) / n, "midrank");
    }
}
