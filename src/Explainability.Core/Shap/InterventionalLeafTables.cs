using System.Numerics;
using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>
/// The leaf tables of <see cref="TreeShapInterventional"/>, per leaf of a tree explained from tables: its path (node,
/// direction, local player index), its distinct players, and one of two stores of what the background contributes.
/// <list type="bullet">
/// <item><b>Dense</b> (for every tree when all of them fit the memory budget, else for none): three arrays over the <c>2^d</c> subsets <c>s</c> of the
/// leaf's players whose splits x fails: <c>Z[s]</c> (the weight every player in s gets, negated), <c>F[s]</c> and
/// <c>G[s]</c>, with the weight of player k outside s equal to <c>F[s] - G[s ∪ {k}]</c>. Stored as
/// <c>(Z[s], F[s])</c> pairs, then <c>G</c>: <c>3 · 2^d</c> doubles per leaf.</item>
/// <item><b>Sparse</b> (every other tree): the distinct subsets <c>m</c> of players whose splits a background row
/// satisfies, with the share of background rows having each, ordered by <c>|m|</c> descending; a row sums over those
/// with <c>m ⊇ s</c>, which needs <c>|m| ≥ |s|</c>: <c>MasksAtLeast[first + leaf + b]</c> (first: the leaf's first
/// player index) counts the leaf's masks with at least b players, so only those are read. At most <c>min(R, 2^d)</c>
/// masks per leaf, so any tree fits.</item>
/// </list>
/// </summary>
internal sealed record InterventionalLeafTables(
    bool[] Tabled,
    bool[] Dense,
    int[] TreeLeafStart,
    int[] TreeInternalStart,
    int[] InternalNodes,
    int[] LeafNode,
    int[] LeafPathStart,
    int[] LeafPlayerStart,
    int[] LeafTableStart,
    int[] LeafMaskStart,
    int[] PathNode,
    bool[] PathTrue,
    byte[] PathLocal,
    int[] LeafPlayers,
    double[] Table,
    int[] Masks,
    double[] MaskShare,
    int[] MasksAtLeast)
{
    /// <summary>Most distinct players on one path of a tree explained from tables (masks are 32-bit).</summary>
    public const int MaxPlayers = 30;

    /// <summary>Builds the tables: dense for every tree when all their dense tables fit <paramref name="budgetBytes"/>, else
    /// sparse for every tree; a tree with a path of more than <see cref="MaxPlayers"/> distinct players, or every tree when
    /// <paramref name="leafTables"/> is false, is left to the recursion.</summary>
    /// <param name="e">The ensemble.</param>
    /// <param name="nodePlayer">The player of each node's split, <c>[nodes]</c>.</param>
    /// <param name="background">Background rows, <c>[rows, columns]</c>.</param>
    /// <param name="backgroundRows">Number of background rows.</param>
    /// <param name="weight"><c>weight[p, n] = p! n! / (p + n + 1)!</c> for <c>p + n</c> up to the deepest path.</param>
    /// <param name="budgetBytes">Memory the dense tables may take.</param>
    /// <param name="leafTables">False: no tables at all (the reference recursion for every tree).</param>
    public static InterventionalLeafTables Build(
        TreeEnsemble e, int[] nodePlayer, double[] background, int backgroundRows, double[,] weight, long budgetBytes, bool leafTables)
    {
        int trees = e.TreeCount, m = e.FeatureCount;
        var tabled = new bool[trees];
        var dense = new bool[trees];
        var treeLeafStart = new int[trees + 1];
        var treeInternalStart = new int[trees + 1];
        var internalNodes = new List<int>();
        var leafNode = new List<int>();
        var leafPathStart = new List<int> { 0 };
        var leafPlayerStart = new List<int> { 0 };
        var leafTableStart = new List<int>();
        var leafMaskStart = new List<int> { 0 };
        var pathNode = new List<int>();
        var pathTrue = new List<bool>();
        var pathLocal = new List<byte>();
        var leafPlayers = new List<int>();
        var table = new List<double>();
        var masks = new List<int>();
        var maskShare = new List<double>();
        var masksAtLeast = new List<int>();
        long budget = budgetBytes / sizeof(double);
        var treeLeaves = new List<(int Leaf, List<(int Node, bool True)> Path)>();
        var stack = new Stack<(int Node, List<(int, bool)> Path)>();
        var local = new Dictionary<int, byte>();
        var distinct = new Dictionary<int, int>();
        double[] superset = [];
        double scale = 1.0 / backgroundRows;

        // Dense tables for every tree or for none: measured, a mix (some trees dense up to the budget, the rest sparse) was
        // slower than sparse tables throughout, because the dense ones then no longer stay in cache.
        bool allDense = leafTables && budget > 0 && DenseEntries(e, nodePlayer) is long all && all <= budget && all <= Array.MaxLength;
        for (int t = 0; t < trees && leafTables; t++)
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

            int deepest = treeLeaves.Count == 0 ? 0 : treeLeaves.Max(l => l.Path.Select(p => nodePlayer[p.Node]).Distinct().Count());

            if (deepest > MaxPlayers)
            {
                continue;
            }

            tabled[t] = true;
            dense[t] = allDense;
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
                leafTableStart.Add(dense[t] ? table.Count : -1);
                if (d > 0)
                {
                    Histogram(path, local, nodePlayer, bgTrue, backgroundRows, distinct);
                    if (dense[t])
                    {
                        int subsets = 1 << d;
                        if (superset.Length < subsets * (d + 1))
                        {
                            superset = new double[subsets * (d + 1)];
                        }

                        SupersetSums(distinct, superset.AsSpan(0, subsets * (d + 1)), d);
                        AppendDense(superset, d, weight, scale, table);
                    }
                    else
                    {
                        foreach (var (mask, count) in distinct.OrderByDescending(p => BitOperations.PopCount((uint)p.Key)).ThenBy(p => p.Key))
                        {
                            masks.Add(mask);
                            maskShare.Add(count * scale);
                        }
                    }
                }

                for (int b = 0; b <= d; b++)
                {
                    masksAtLeast.Add(dense[t] || d == 0 ? 0 : distinct.Keys.Count(mask => BitOperations.PopCount((uint)mask) >= b));
                }

                leafMaskStart.Add(masks.Count);
            }
        }

        for (int t = leafTables ? trees : 0; t <= trees; t++)
        {
            treeLeafStart[t] = leafNode.Count;
            treeInternalStart[t] = internalNodes.Count;
        }

        return new InterventionalLeafTables(
            tabled, dense, treeLeafStart, treeInternalStart, [.. internalNodes], [.. leafNode], [.. leafPathStart], [.. leafPlayerStart],
            [.. leafTableStart], [.. leafMaskStart], [.. pathNode], [.. pathTrue], [.. pathLocal], [.. leafPlayers], [.. table], [.. masks], [.. maskShare], [.. masksAtLeast]);
    }

    /// <summary>Entries (doubles) the dense tables of every tree would take, <c>3 · 2^d</c> per leaf with <c>d</c> distinct
    /// players on its path; null when a path has more than <see cref="TreeShapInterventional.MaxTablePlayers"/>.</summary>
    private static long? DenseEntries(TreeEnsemble e, int[] nodePlayer)
    {
        long total = 0;
        var stack = new Stack<(int Node, int[] Players)>();
        for (int t = 0; t < e.TreeCount; t++)
        {
            stack.Push((e.TreeRoots[t], []));
            while (stack.Count > 0)
            {
                var (node, players) = stack.Pop();
                if (e.Mode[node] == NodeMode.Leaf)
                {
                    int d = players.Length;
                    if (d > TreeShapInterventional.MaxTablePlayers)
                    {
                        return null;
                    }

                    total += d == 0 ? 0 : 3L << d;
                    continue;
                }

                int[] next = players.Contains(nodePlayer[node]) ? players : [.. players, nodePlayer[node]];
                stack.Push((e.FalseChild[node], next));
                stack.Push((e.TrueChild[node], next));
            }
        }

        return total;
    }

    /// <summary>counts[m] = number of background rows satisfying exactly the splits of the local players in m (a player
    /// satisfies the path when the row follows the path at every node splitting on that player); masks with no row are
    /// absent.</summary>
    private static void Histogram(List<(int Node, bool True)> path, Dictionary<int, byte> local, int[] nodePlayer, Dictionary<int, bool[]> bgTrue, int rows, Dictionary<int, int> counts)
    {
        counts.Clear();
        int full = (int)((1u << local.Count) - 1);
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

            counts[mask] = counts.GetValueOrDefault(mask) + 1;
        }
    }

    /// <summary>superset[s, k] = sum of counts[m] over m ⊇ s with |m| = k, <c>[2^d, d + 1]</c> (sum-over-subsets transform per popcount).</summary>
    private static void SupersetSums(Dictionary<int, int> counts, Span<double> superset, int d)
    {
        int stride = d + 1, subsets = 1 << d;
        superset.Clear();
        foreach (var (mask, count) in counts)
        {
            superset[(mask * stride) + BitOperations.PopCount((uint)mask)] = count;
        }

        for (int i = 0; i < d; i++)
        {
            int bit = 1 << i;
            for (int s = 0; s < subsets; s++)
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
    /// Appends a dense leaf table. For x failing the players in s (<c>b = |s|</c>), a background row satisfying m ⊇ s has
    /// <c>a = d - |m|</c> players on the x side. Player k in s gets <c>-a! (b-1)! / (a+b)!</c> from every such row: summed,
    /// <c>Z[s]</c>. Player k outside s gets <c>(a-1)! b! / (a+b)!</c> from those with k outside m: the sum over all
    /// m ⊇ s with <c>|m| &lt; d</c>, <c>F[s]</c>, less the sum over m ⊇ s ∪ {k}, which is <c>G[s ∪ {k}]</c> with
    /// <c>G[t] = Σ_{m ⊇ t, |m| &lt; d} count(m) w(d - |m| - 1, |t| - 1)</c>. All divided by the rows. Layout: the pairs
    /// <c>(Z[s], F[s])</c> for every s, then <c>G[t]</c> for every t.
    /// </summary>
    private static void AppendDense(double[] superset, int d, double[,] weight, double scale, List<double> table)
    {
        int stride = d + 1, subsets = 1 << d;
        for (int s = 0; s < subsets; s++)
        {
            int b = BitOperations.PopCount((uint)s);
            double z = 0, f = 0;
            for (int size = b; size <= d; size++)
            {
                double count = superset[(s * stride) + size];
                if (b > 0)
                {
                    z += count * weight[d - size, b - 1];
                }

                if (size < d)
                {
                    f += count * weight[d - size - 1, b];
                }
            }

            table.Add(z * scale);
            table.Add(f * scale);
        }

        for (int t = 0; t < subsets; t++)
        {
            int b = BitOperations.PopCount((uint)t);
            double g = 0;
            for (int size = Math.Max(b, 1); size < d && b > 0; size++)
            {
                g += superset[(t * stride) + size] * weight[d - size - 1, b - 1];
            }

            table.Add(g * scale);
        }
    }
}
