using System.Numerics;
using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>
/// Interventional TreeSHAP: exact SHAP values of a tree ensemble in margin space for the value function
/// <c>v(S) = mean over background rows b of f(x_S, b_rest)</c> (features outside S are replaced by the
/// background row's values, breaking dependence between features).
/// </summary>
/// <remarks>
/// <para>Source: Lundberg et al., "From local explanations to global understanding with explainable AI for trees",
/// Nature Machine Intelligence 2 (2020), Methods, "Independent Tree SHAP". For one background row b, a leaf reached
/// along a path where the features in P follow x (and b would go elsewhere) and those in N follow b receives the
/// weights <c>+(|P|-1)! |N|! / (|P|+|N|)!</c> for each feature in P and <c>-|P|! (|N|-1)! / (|P|+|N|)!</c> for each
/// feature in N; the SHAP values are the mean over background rows. Cost O(T L R) per row for R background rows.</para>
/// <para>Leaf tables (the fast path): for one leaf with the <c>d</c> distinct players of its path, x reaches it in a
/// hybrid with background row z iff every player's chosen source satisfies all of that player's splits on the path. Let
/// <c>s</c> be the players whose splits x fails (they must come from z: the set N above, <c>b = |s|</c>) and <c>m(z)</c>
/// the players whose splits z satisfies; the pair counts iff <c>m ⊇ s</c>, and then P is the players outside <c>m</c>,
/// so <c>|P| = d - |m|</c>. The leaf's contribution to the mean over z therefore depends on x only through <c>s</c>: it
/// is a table over the <c>2^d</c> subsets, built once from the histogram of <c>m(z)</c> over the background by superset
/// sums per <c>|m|</c> (a sum-over-subsets transform). A row then costs one routing decision per node and
/// <c>O(d)</c> per leaf, independent of the number of background rows: O(T L D) instead of O(T L R). The same
/// decomposition of interventional TreeSHAP by leaf and by which side each split's player takes is described by
/// Laberge and Pequignot, "Understanding Interventional TreeSHAP: How and Why it Works" (2022). A dense table takes
/// <c>3 · 8 · 2^d</c> bytes per leaf (<see cref="InterventionalLeafTables"/> shows how <c>d</c> weights per subset reduce
/// to three numbers); when the dense tables of all trees would exceed the memory budget, every tree gets sparse ones instead: the distinct
/// background masks <c>m</c> of each leaf with their shares, summed over <c>m ⊇ s</c> per row, O(T L min(R, 2^D) D) at
/// worst and usually far less, in memory that no longer grows as <c>4^D</c> per tree. The per-background-row recursion
/// above is kept as the reference the tables are tested against.</para>
/// <para>Routing uses the model's own thresholds and NaN directions, so the explained margin is exactly the
/// model's (casebook C01, C02, C03).</para>
/// <para>Thread-safe: each call works in the caller's <see cref="Workspace"/>; the instance is immutable.</para>
/// </remarks>
public sealed class TreeShapInterventional
{
    private readonly TreeEnsemble _ensemble;
    private readonly double[] _background;
    private readonly int _backgroundRows;
    private readonly double[,] _weight;
    private readonly int[] _nodePlayer;

    // Leaf tables of the trees that have them (see remarks).
    private readonly InterventionalLeafTables _tables;
    private readonly bool _anyRecursive;

    /// <summary>Default memory for dense leaf tables: 16 MiB, for all trees together. A dense table is read at random, one
    /// entry per player per leaf, so it pays while the tables stay in the processor's last-level cache; beyond that the
    /// sparse tables, a few times smaller, were faster, also for a mix of dense and sparse trees (benchmarks:
    /// TreeShapBenchmarks, Interventional100 against Interventional100Sparse).</summary>
    public const long DefaultTableBudgetBytes = 16L << 20;

    /// <summary>Most distinct players on one path for which a dense leaf table is built (it has <c>3 · 2^d</c> entries).</summary>
    public const int MaxTablePlayers = 16;

    /// <summary>Prepares the explainer.</summary>
    /// <param name="ensemble">The model.</param>
    /// <param name="background">Background rows, <c>[rows, columns]</c> in the ensemble's input columns.</param>
    /// <param name="columnToPlayer">The player (raw feature) of each input column, <c>[columns]</c>; the columns of one
    /// player are taken together from the row or from the background row (a one-hot group is one player). Null: each
    /// column is its own player.</param>
    /// <param name="playerCount">Number of players; required with <paramref name="columnToPlayer"/>.</param>
    /// <param name="tableBudgetBytes">Memory for dense leaf tables: every tree gets them when all fit, else every tree gets
    /// sparse ones (the background's distinct masks per leaf).</param>
    /// <param name="leafTables">False: no leaf tables, every tree by the per-background-row recursion (the reference path
    /// the tables are tested against).</param>
    /// <exception cref="ArgumentException">The background is empty or not a whole number of rows, or a column maps
    /// outside <c>0..playerCount-1</c>, or the budget is negative.</exception>
    public TreeShapInterventional(TreeEnsemble ensemble, ReadOnlySpan<double> background, int[]? columnToPlayer = null, int playerCount = -1, long tableBudgetBytes = DefaultTableBudgetBytes, bool leafTables = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tableBudgetBytes);
        int m = ensemble.FeatureCount;
        if (background.Length == 0 || (m > 0 && background.Length % m != 0))
        {
            throw new ArgumentException($"the background must hold at least one row of {m} values; got {background.Length} values", nameof(background));
        }

        _ensemble = ensemble;
        (_nodePlayer, PlayerCount) = Players.PerNode(ensemble, columnToPlayer, playerCount);
        _background = background.ToArray();
        _backgroundRows = m == 0 ? 1 : background.Length / m;

        // _weight[p, n] = p! n! / (p + n + 1)!, the Shapley weight of a set of size p among p + n + 1 players.
        int d = ensemble.MaxDepth + 1;
        _weight = new double[d + 1, d + 1];
        for (int p = 0; p <= d; p++)
        {
            for (int n = 0; p + n <= d; n++)
            {
                _weight[p, n] = Factorial(p) * Factorial(n) / Factorial(p + n + 1);
            }
        }

        _tables = InterventionalLeafTables.Build(ensemble, _nodePlayer, _background, _backgroundRows, _weight, tableBudgetBytes, leafTables);
        _anyRecursive = Array.IndexOf(_tables.Tabled, false) >= 0;
        TabledTrees = _tables.Tabled.Count(t => t);
        DenseTrees = _tables.Dense.Count(t => t);

        ExpectedValue = new double[ensemble.OutputCount];
        var margin = new double[ensemble.OutputCount];
        for (int r = 0; r < _backgroundRows; r++)
        {
            ensemble.Evaluate(_background.AsSpan(r * m, m), margin);
            for (int o = 0; o < margin.Length; o++)
            {
                ExpectedValue[o] += margin[o] / _backgroundRows;
            }
        }
    }

    /// <summary>The base value in margin space, <c>[outputs]</c>: the mean margin over the background rows.</summary>
    public double[] ExpectedValue { get; }

    /// <summary>Number of players: the length of the first axis of the SHAP values.</summary>
    public int PlayerCount { get; }

    /// <summary>Number of background rows.</summary>
    public int BackgroundRows => _backgroundRows;

    /// <summary>Trees explained from leaf tables, dense or sparse (the others by the per-background-row recursion).</summary>
    public int TabledTrees { get; }

    /// <summary>Trees explained from dense leaf tables (within the memory budget).</summary>
    public int DenseTrees { get; }

    /// <summary>Bytes held by the dense leaf tables.</summary>
    public long TableBytes => _tables.Table.LongLength * sizeof(double);

    /// <summary>Bytes held by the sparse leaf tables (masks and their shares of the background).</summary>
    public long SparseTableBytes => _tables.Masks.LongLength * (sizeof(int) + sizeof(double));

    /// <summary>Scratch memory for one thread; reuse it across rows so the hot path allocates nothing.</summary>
    public sealed class Workspace
    {
        internal Workspace(int players, int maxDepth, int nodes)
        {
            State = new byte[players];
            Positive = new int[maxDepth + 1];
            Negative = new int[maxDepth + 1];
            XGoesTrue = new bool[nodes];
            Weights = new double[InterventionalLeafTables.MaxPlayers];
        }

        /// <summary>One leaf's weights per local player.</summary>
        internal double[] Weights { get; }

        /// <summary>Per node: whether the row goes to the true child (filled for the tabled trees' internal nodes).</summary>
        internal bool[] XGoesTrue { get; }

        internal byte[] State { get; }

        internal int[] Positive { get; }

        internal int[] Negative { get; }
    }

    /// <summary>Creates scratch memory for one thread.</summary>
    public Workspace CreateWorkspace() => new(PlayerCount, _ensemble.MaxDepth, _ensemble.NodeCount);

    /// <summary>Computes SHAP values of one row in margin space.</summary>
    /// <param name="x">The row, <c>[columns]</c>; NaN is missing.</param>
    /// <param name="phi">Destination, <c>[players, outputs]</c>, overwritten.</param>
    /// <param name="workspace">Scratch memory from <see cref="CreateWorkspace"/>, used by one thread at a time.</param>
    /// <remarks>Additivity: <c>ExpectedValue[o] + sum over p of phi[p, o]</c> equals the margin of <paramref name="x"/>.</remarks>
    public void Explain(ReadOnlySpan<double> x, Span<double> phi, Workspace workspace)
    {
        int m = _ensemble.FeatureCount;
        if (x.Length != m || phi.Length != PlayerCount * _ensemble.OutputCount)
        {
            throw new ArgumentException($"expected a row of {m} values and phi of {PlayerCount * _ensemble.OutputCount}");
        }

        phi.Clear();
        var tabled = _tables.Tabled;
        for (int t = 0; t < tabled.Length; t++)
        {
            if (tabled[t])
            {
                ExplainTabled(t, x, phi, workspace);
            }
        }

        if (!_anyRecursive)
        {
            return;
        }

        double scale = 1.0 / _backgroundRows;
        for (int r = 0; r < _backgroundRows; r++)
        {
            var b = _background.AsSpan(r * m, m);
            for (int t = 0; t < _ensemble.TreeCount; t++)
            {
                if (!tabled[t])
                {
                    Recurse(_ensemble.TreeRoots[t], x, b, phi, workspace, 0, 0, scale);
                }
            }
        }
    }

    /// <summary>Adds tree <paramref name="t"/>'s SHAP values from its leaf tables: one routing decision per internal node,
    /// then per leaf the subset <c>s</c> of its players whose splits x fails gives each player's weight, from the dense
    /// arrays (<c>-Z[s]</c> inside s, <c>F[s] - G[s ∪ {k}]</c> outside) or by summing the background masks <c>m ⊇ s</c>.</summary>
    private void ExplainTabled(int t, ReadOnlySpan<double> x, Span<double> phi, Workspace ws)
    {
        var e = _ensemble;
        var tb = _tables;
        var goesTrue = ws.XGoesTrue;
        var feature = e.Feature;
        var internalNodes = tb.InternalNodes;
        for (int i = tb.TreeInternalStart[t]; i < tb.TreeInternalStart[t + 1]; i++)
        {
            int node = internalNodes[i];
            goesTrue[node] = e.GoesTrue(node, x[feature[node]]);
        }

        bool dense = tb.Dense[t];
        int outputs = e.OutputCount;
        var leafValues = e.LeafValues;
        var (pathStart, playerStart, pathNode, pathTrue, pathLocal) = (tb.LeafPathStart, tb.LeafPlayerStart, tb.PathNode, tb.PathTrue, tb.PathLocal);
        var (players, table, tableStart, leafNode) = (tb.LeafPlayers, tb.Table, tb.LeafTableStart, tb.LeafNode);
        var (maskStart, masks, shares, atLeast) = (tb.LeafMaskStart, tb.Masks, tb.MaskShare, tb.MasksAtLeast);
        var weights = ws.Weights;
        for (int leaf = tb.TreeLeafStart[t]; leaf < tb.TreeLeafStart[t + 1]; leaf++)
        {
            int first = playerStart[leaf], d = playerStart[leaf + 1] - first;
            if (d == 0)
            {
                continue; // a tree that is one leaf: a constant, all base value.
            }

            int s = 0;
            for (int j = pathStart[leaf]; j < pathStart[leaf + 1]; j++)
            {
                if (goesTrue[pathNode[j]] != pathTrue[j])
                {
                    s |= 1 << pathLocal[j];
                }
            }

            var w = weights.AsSpan(0, d);
            if (dense)
            {
                int start = tableStart[leaf], subsets = 1 << d;
                double z = table[start + (2 * s)], f = table[start + (2 * s) + 1];
                var g = table.AsSpan(start + (2 * subsets), subsets);
                for (int k = 0; k < d; k++)
                {
                    w[k] = (s & (1 << k)) != 0 ? -z : f - g[s | (1 << k)];
                }
            }
            else if (!SparseWeights(masks.AsSpan(maskStart[leaf], atLeast[first + leaf + BitOperations.PopCount((uint)s)]), shares.AsSpan(maskStart[leaf]), s, d, w))
            {
                continue;
            }

            var values = leafValues.AsSpan(leafNode[leaf] * outputs, outputs);
            for (int k = 0; k < d; k++)
            {
                double wk = w[k];
                if (wk == 0)
                {
                    continue;
                }

                int offset = players[first + k] * outputs;
                for (int o = 0; o < outputs; o++)
                {
                    phi[offset + o] += wk * values[o];
                }
            }
        }
    }

    /// <summary>A sparse leaf's weights for x failing the players in <paramref name="s"/>, from its masks with at least
    /// <c>|s|</c> players (the only ones that can contain s): each background mask
    /// <c>m ⊇ s</c> (share <c>c</c> of the rows, <c>a = d - |m|</c> players on x's side, <c>b = |s|</c>) gives
    /// <c>-c a! (b-1)! / (a+b)!</c> to every player in s and <c>c (a-1)! b! / (a+b)!</c> to every player outside m.</summary>
    /// <returns>False when no background row pairs with x at this leaf (all weights zero).</returns>
    private bool SparseWeights(ReadOnlySpan<int> masks, ReadOnlySpan<double> shares, int s, int d, Span<double> w)
    {
        int b = BitOperations.PopCount((uint)s), full = (int)((1u << d) - 1);
        double z = 0;
        bool any = false;
        w.Clear();
        for (int j = 0; j < masks.Length; j++)
        {
            int mask = masks[j];
            if ((mask & s) != s)
            {
                continue;
            }

            any = true;
            int a = d - BitOperations.PopCount((uint)mask);
            if (b > 0)
            {
                z += shares[j] * _weight[a, b - 1];
            }

            if (a > 0)
            {
                double wx = shares[j] * _weight[a - 1, b];
                for (int rest = ~mask & full; rest != 0; rest &= rest - 1)
                {
                    w[BitOperations.TrailingZeroCount(rest)] += wx;
                }
            }
        }

        if (b > 0)
        {
            for (int rest = s; rest != 0; rest &= rest - 1)
            {
                w[BitOperations.TrailingZeroCount(rest)] = -z;
            }
        }

        return any;
    }

    private void Recurse(int node, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> phi, Workspace ws, int positives, int negatives, double scale)
    {
        var e = _ensemble;
        while (e.Mode[node] != NodeMode.Leaf)
        {
            int f = _nodePlayer[node];
            int xNext = e.Next(node, x);
            switch (ws.State[f])
            {
                case 1:
                    node = xNext;
                    continue;
                case 2:
                    node = e.Next(node, b);
                    continue;
            }

            int bNext = e.Next(node, b);
            if (xNext == bNext)
            {
                node = xNext;
                continue;
            }

            // The paths of x and b part here: the leaf below is reached by coalitions that contain f (x side) or not (b side).
            ws.State[f] = 1;
            ws.Positive[positives] = f;
            Recurse(xNext, x, b, phi, ws, positives + 1, negatives, scale);
            ws.State[f] = 2;
            ws.Negative[negatives] = f;
            Recurse(bNext, x, b, phi, ws, positives, negatives + 1, scale);
            ws.State[f] = 0;
            return;
        }

        if (positives + negatives == 0)
        {
            return; // f(b) itself: part of the base value.
        }

        int outputs = e.OutputCount;
        var values = e.LeafValues.AsSpan(node * outputs, outputs);
        if (positives > 0)
        {
            double w = _weight[positives - 1, negatives] * scale;
            for (int i = 0; i < positives; i++)
            {
                int f = ws.Positive[i];
                for (int o = 0; o < outputs; o++)
                {
                    phi[(f * outputs) + o] += w * values[o];
                }
            }
        }

        if (negatives > 0)
        {
            double w = _weight[positives, negatives - 1] * scale;
            for (int i = 0; i < negatives; i++)
            {
                int f = ws.Negative[i];
                for (int o = 0; o < outputs; o++)
                {
                    phi[(f * outputs) + o] -= w * values[o];
                }
            }
        }
    }

    private static double Factorial(int n)
    {
        double f = 1;
        for (int i = 2; i <= n; i++)
        {
            f *= i;
        }

        return f;
    }
}
