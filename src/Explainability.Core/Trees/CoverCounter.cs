namespace Explainability.Core.Trees;

/// <summary>
/// Computes node covers by routing reference rows through every tree: the cover of a node is the number of rows
/// that reach it. ONNX tree operators carry no covers (<c>nodes_hitrates</c> is a performance hint, usually all 1.0,
/// and is never used as a cover), so path-dependent TreeSHAP on an ONNX model gets its covers from here.
/// </summary>
/// <remarks>
/// A node that no reference row reaches has cover 0. Path-dependent TreeSHAP then splits evenly between the
/// children of such a node (<see cref="ZeroCoverRule"/>), so every path keeps a defined weight.
/// </remarks>
public static class CoverCounter
{
    /// <summary>The rule applied below a node of cover 0, as recorded in an explanation's parameters.</summary>
    public const string ZeroCoverRule = "even_split";

    /// <summary>Counts covers of <paramref name="ensemble"/> over <paramref name="rows"/> <c>[rows, features]</c>.</summary>
    /// <returns>Covers, <c>[nodes]</c>.</returns>
    /// <exception cref="ArgumentException">The row buffer is not a whole number of rows, or holds none.</exception>
    public static double[] Count(TreeEnsemble ensemble, ReadOnlySpan<double> rows)
    {
        int m = ensemble.FeatureCount;
        if (m == 0 ? rows.Length != 0 : rows.Length % m != 0)
        {
            throw new ArgumentException($"row buffer of {rows.Length} values is not a whole number of rows of {m} features", nameof(rows));
        }

        int n = m == 0 ? 0 : rows.Length / m;
        if (n == 0)
        {
            throw new ArgumentException("covers need at least one reference row", nameof(rows));
        }

        var covers = new double[ensemble.NodeCount];
        for (int r = 0; r < n; r++)
        {
            var x = rows.Slice(r * m, m);
            for (int t = 0; t < ensemble.TreeCount; t++)
            {
                int node = ensemble.TreeRoots[t];
                covers[node]++;
                while (ensemble.Mode[node] != NodeMode.Leaf)
                {
                    node = ensemble.Next(node, x);
                    covers[node]++;
                }
            }
        }

        return covers;
    }

    /// <summary>
    /// The share of <paramref name="parent"/>'s cover that goes to <paramref name="child"/>: <c>cover[child] / cover[parent]</c>,
    /// or 1/2 when the parent's cover is 0 (<see cref="ZeroCoverRule"/>).
    /// </summary>
    public static double Fraction(double[] covers, int parent, int child) =>
        covers[parent] > 0 ? covers[child] / covers[parent] : 0.5;
}
