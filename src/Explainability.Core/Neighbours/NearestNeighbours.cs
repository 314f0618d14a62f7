namespace Explainability.Core.Neighbours;

/// <summary>
/// Exact k nearest neighbours by Euclidean distance, by scanning every reference row (the reference sets are hundreds of
/// rows, so a scan is cheaper than building an index). Ties are broken by the lower row index, so the result is
/// deterministic. No allocation beyond the result and a k-sized buffer.
/// </summary>
public static class NearestNeighbours
{
    /// <summary>The <paramref name="k"/> rows of <paramref name="reference"/> nearest to <paramref name="query"/>, nearest first.</summary>
    /// <param name="query">The query vector, <c>[dimensions]</c>.</param>
    /// <param name="reference">Reference vectors, row-major <c>[rows, dimensions]</c>.</param>
    /// <param name="k">How many; fewer when the reference has fewer rows.</param>
    /// <exception cref="ArgumentException">The reference is not a whole number of rows of the query's length, or k is negative.</exception>
    public static Neighbour[] Find(ReadOnlySpan<double> query, ReadOnlySpan<double> reference, int k)
    {
        int d = query.Length;
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (d == 0 ? reference.Length != 0 : reference.Length % d != 0)
        {
            throw new ArgumentException($"the reference has {reference.Length} values, not a whole number of rows of {d}", nameof(reference));
        }

        int rows = d == 0 ? 0 : reference.Length / d;
        k = Math.Min(k, rows);
        var best = new List<Neighbour>(k + 1);
        for (int r = 0; r < rows; r++)
        {
            var row = reference.Slice(r * d, d);
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                double diff = row[j] - query[j];
                sum += diff * diff;
            }

            double distance = Math.Sqrt(sum);
            if (best.Count == k && (k == 0 || distance >= best[^1].Distance))
            {
                continue;
            }

            // Insert after every row at the same or a smaller distance: earlier rows win ties.
            int at = best.Count;
            while (at > 0 && best[at - 1].Distance > distance)
            {
                at--;
            }

            best.Insert(at, new Neighbour(r, distance));
            if (best.Count > k)
            {
                best.RemoveAt(best.Count - 1);
            }
        }

        return [.. best];
    }
}
