using System.Numerics;
using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>
/// The leaf tables of <see cref="TreeShapInterventional"/>: per leaf of a tabled tree, its path (node, direction, local
/// player index), its distinct players, and a table <c>[2^d, d]</c> of the weight each player's SHAP value gets from the
/// leaf's value when x fails exactly the players of subset <c>s</c>, averaged over the background rows.
/// </summary>
internal sealed record InterventionalLeafTables(
    bool[] Tabled,
    int[] TreeLeafStart,
    int[] TreeInternalStart,
    int[] InternalNodes,
    int[] LeafNode,
    int[] LeafPathStart,
    int[] LeafPlayerStart,
    int[] LeafTableStart,
    int[] PathNode,
    bool[] PathTrue,
    byte[] PathLocal,
    int[] LeafPlayers,
    double[] Table)
{
    /// <summary>Builds tables for the trees that fit <paramref name="budgetBytes"/>, in tree order.</summary>
    /// <param name="e">The ensemble.</param>
    /// <param name="nodePlayer">The player of each node's split, <c>[nodes]</c>.</param>
    /// <param name="background">Background rows, <c>[rows, columns]</c>.</param>
    /// <param name="backgroundRows">Number of background rows.</param>
    /// <param name="weight"><c>weight[p, n] = p! n! / (p + n + 1)!</c> for <c>p + n</c> up to the deepest path.</param>
    /// <param name="budgetBytes">Memory the tables may take; a tree whose tables do not fit is left untabled.</param>
    public static InterventionalLeafTables Build(TreeEnsemble e, int[] nodePlayer, double[] background, int backgroundRows, double[,] weight, long budgetBytes)
    {
        int trees = e.TreeCount, m = e.FeatureCount;
        var tabled = new bool[trees];
        var treeLeafStart = new int[trees + 1];
        var treeInternalStart = new int[trees + 1];
        var internalNodes = new List<int>();
        var leafNode = new List<int>();
        var leafPathStart = new List<int> { 0 };
        var leafPlayerStart = new List<int> { 0 };
        var leafTableStart = new List<int>();
        var pathNode = new List<int>();
        var pathTrue = new List<bool>();
        var pathLocal = new List<byte>();
        var leafPlayers = new List<int>();
        var table = new List<double>();
        long budget = budgetBytes / sizeof(double);
        var treeLeaves = new List<(int Leaf, List<(int Node, bool True)> Path)>();
        var stack = new Stack<(int Node, List<(int, bool)> Path)>();
        var local = new Dictionary<int, byte>();
        double[] counts = [];
        double[] superset = [];
        for (int t = 0; t < trees; t++)
        {
            treeLeafStart[t] = leafNode.Count;
            treeInternalStart[t] = internalNodes.Count;
            treeLeaves.Clear();
            var internals = new List<int>();
            stack.Push((e.TreeRoots[t], []));
            while (stack.Count > 0)
            {
                var (node, path) = stack.Pop();
                if (e.Mode[node] == NodeMode.Leaf)
                {
                    treeLeaves.Add((node, path));
                    continue;
                }

                internals.Add(node);
                stack.Push((e.FalseChild[node], [.. path, (node, false)]));
                stack.Push((e.TrueChild[node], [.. path, (node, true)]));
            }

            long size = 0;
            bool fits = true;
            foreach (var (_, path) in treeLeaves)
            {
                int d = path.Select(p => nodePlayer[p.Node]).Distinct().Count();
                if (d > TreeShapInterventional.MaxTablePlayers)
                {
                    fits = false;
                    break;
                }

                size += (long)d << d;
            }

            if (!fits || budget == 0 || table.Count + size > budget || table.Count + size > Array.MaxLength)
            {
                continue;
            }

            tabled[t] = true;
            internalNodes.AddRange(internals);

            // The background rows' routing at every internal node of this tree, computed once.
            var bgTrue = new Dictionary<int, bool[]>(internals.Count);
            foreach (int node in internals)
            {
                var goes = new bool[backgroundRows];
                for (int r = 0; r < backgroundRows; r++)
                {
                    goes[r] = e.GoesTrue(node, background[(r * m) + e.Feature[node]]);
                }

                bgTrue[node] = goes;
            }

            foreach (var (leaf, path) in treeLeaves)
            {
                local.Clear();
                foreach (var (node, goesTrue) in path)
                {
                    int player = nodePlayer[node];
                    if (!local.TryGetValue(player, out byte k))
                    {
                        local[player] = k = (byte)local.Count;
                        leafPlayers.Add(player);
                    }

                    pathNode.Add(node);
                    pathTrue.Add(goesTrue);
                    pathLocal.Add(k);
                }

                int d = local.Count;
                leafNode.Add(leaf);
                leafPathStart.Add(pathNode.Count);
                leafPlayerStart.Add(leafPlayers.Count);
                leafTableStart.Add(table.Count);
                if (d == 0)
                {
                    continue;
                }

                int subsets = 1 << d;
                if (counts.Length < subsets)
                {
                    counts = new double[subsets];
                }

                if (superset.Length < subsets * (d + 1))
                {
                    superset = new double[subsets * (d + 1)];
                }

                Histogram(path, local, nodePlayer, bgTrue, backgroundRows, counts.AsSpan(0, subsets));
                SupersetSums(counts.AsSpan(0, subsets), superset.AsSpan(0, subsets * (d + 1)), d);
                AppendTable(superset, d, weight, 1.0 / backgroundRows, table);
            }
        }

        treeLeafStart[trees] = leafNode.Count;
        treeInternalStart[trees] = internalNodes.Count;
        return new InterventionalLeafTables(
            tabled, treeLeafStart, treeInternalStart, [.. internalNodes], [.. leafNode], [.. leafPathStart], [.. leafPlayerStart],
            [.. leafTableStart], [.. pathNode], [.. pathTrue], [.. pathLocal], [.. leafPlayers], [.. table]);
    }

    /// <summary>counts[m] = number of background rows satisfying exactly the splits of the local players in m (a player
    /// satisfies the path when the row follows the path at every node splitting on that player).</summary>
    private static void Histogram(List<(int Node, bool True)> path, Dictionary<int, byte> local, int[] nodePlayer, Dictionary<int, bool[]> bgTrue, int rows, Span<double> counts)
    {
        counts.Clear();
        int full = counts.Length - 1;
        for (int r = 0; r < rows; r++)
        {
            int mask = full;
            foreach (var (node, goesTrue) in path)
            {
                if (bgTrue[node][r] != goesTrue)
                {
                    mask &= ~(1 << local[nodePlayer[node]]);
                }
            }

            counts[mask]++;
        }
    }

    /// <summary>superset[s, k] = sum of counts[m] over m ⊇ s with |m| = k, <c>[2^d, d + 1]</c> (sum-over-subsets transform per popcount).</summary>
    private static void SupersetSums(ReadOnlySpan<double> counts, Span<double> superset, int d)
    {
        int stride = d + 1;
        superset.Clear();
        for (int mask = 0; mask < counts.Length; mask++)
        {
            superset[(mask * stride) + BitOperations.PopCount((uint)mask)] = counts[mask];
        }

        for (int i = 0; i < d; i++)
        {
            int bit = 1 << i;
            for (int s = 0; s < counts.Length; s++)
            {
                if ((s & bit) != 0)
                {
                    continue;
                }

                var to = superset.Slice(s * stride, stride);
                var from = superset.Slice((s | bit) * stride, stride);
                for (int k = 0; k < stride; k++)
                {
                    to[k] += from[k];
                }
            }
        }
    }

    /// <summary>
    /// Appends the table <c>[2^d, d]</c>: for x failing the players in s (<c>b = |s|</c>), a background row satisfying
    /// m ⊇ s has <c>a = d - |m|</c> players on the x side. Player k in s gets <c>-a! (b-1)! / (a+b)!</c> from every such
    /// row; player k outside s gets <c>(a-1)! b! / (a+b)!</c> from those with k outside m. Both divided by the rows.
    /// </summary>
    private static void AppendTable(double[] superset, int d, double[,] weight, double scale, List<double> table)
    {
        int stride = d + 1;
        for (int s = 0; s < 1 << d; s++)
        {
            int b = BitOperations.PopCount((uint)s);
            double zSide = 0;
            if (b > 0)
            {
                for (int size = b; size <= d; size++)
                {
                    zSide += superset[(s * stride) + size] * weight[d - size, b - 1];
                }
            }

            for (int k = 0; k < d; k++)
            {
                if ((s & (1 << k)) != 0)
                {
                    table.Add(-zSide * scale);
                    continue;
                }

                int with = s | (1 << k);
                double xSide = 0;
                for (int size = b; size < d; size++)
                {
                    xSide += (superset[(s * stride) + size] - superset[(with * stride) + size]) * weight[d - size - 1, b];
                }

                table.Add(xSide * scale);
            }
        }
    }
}
