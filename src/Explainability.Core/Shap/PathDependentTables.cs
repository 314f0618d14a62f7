using System.Numerics;
using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>
/// Path-dependent TreeSHAP from per-leaf tables precomputed once per model (Fast TreeSHAP v2): O(T L D) per row instead
/// of the recursion's O(T L D^2), for T trees, L leaves, depth D, at the price of 2^d doubles per leaf, d the number of
/// distinct players on the leaf's path.
/// </summary>
/// <remarks>
/// <para>Source: Yang, "Fast TreeSHAP: Accelerating SHAP Value Computation for Trees" (2021), Algorithm "Fast TreeSHAP
/// v2": the leaf's weighted sum over coalitions depends on the row only through which path players the row satisfies,
/// so it is tabulated for every such subset.</para>
/// <para>For a leaf with value v and path players D (d = |D|), z_j is the product of the cover fractions of the path's
/// splits on player j and o_j is 1 when the row follows the path at every split on j, else 0. The leaf's game is
/// v(S) = v * prod_{j in S} o_j * prod_{j in D\S} z_j. With A = {j : o_j = 1}, C = D \ A, P = prod_{j in C} z_j and
/// F(B) = sum_{S subset B} |S|!(d-|S|-1)!/d! * prod_{j in B\S} z_j (tabulated for every B subset D), its Shapley values are
/// v (1 - z_i) P F(A \ {i}) for i in A and -v P F(A) for i in C. F is built from the elementary symmetric polynomials of
/// the z over each subset, one subset from the next by multiplying with (1 + z_j t).</para>
/// <para>The same cover fractions (<see cref="CoverCounter.Fraction"/>, with its zero-cover rule) and player map as
/// <see cref="TreeShapPathDependent"/>'s recursion; no division, so zero covers need no special case.</para>
/// </remarks>
internal sealed class PathDependentTables
{
    /// <summary>The most distinct players on one leaf's path that gets a table (2^14 doubles per leaf).</summary>
    public const int MaxPathPlayers = 14;

    private readonly int _outputs;
    private readonly int[] _internalNodes;
    private readonly NodeMode[] _mode;
    private readonly int[] _column;
    private readonly double[] _threshold;
    private readonly bool[] _missingTracksTrue;
    private readonly TreeEnsemble _ensemble;

    // Per leaf l: its node, its path's splits [_pathStart[l], _pathStart[l + 1]) and its players [_slotStart[l], _slotStart[l + 1]).
    private readonly int[] _leafNode;
    private readonly int[] _pathStart;
    private readonly int[] _pathNode;
    private readonly byte[] _pathWentTrue;
    private readonly int[] _pathBit;
    private readonly int[] _slotStart;
    private readonly int[] _slotPlayer;
    private readonly double[] _slotZ;
    private readonly long[] _tableStart;
    private readonly double[] _tables;

    private PathDependentTables(TreeEnsemble ensemble, int[] internalNodes, List<int> leafNode, List<int> pathStart, List<int> pathNode,
        List<bool> pathWentTrue, List<int> pathBit, List<int> slotStart, List<int> slotPlayer, List<double> slotZ, long[] tableStart, double[] tables)
    {
        _ensemble = ensemble;
        _outputs = ensemble.OutputCount;
        _mode = ensemble.Mode;
        _column = ensemble.Feature;
        _threshold = ensemble.Threshold;
        _missingTracksTrue = ensemble.MissingTracksTrue;
        _internalNodes = internalNodes;
        _leafNode = [.. leafNode];
        _pathStart = [.. pathStart];
        _pathNode = [.. pathNode];
        _pathWentTrue = [.. pathWentTrue.Select(t => t ? (byte)1 : (byte)0)];
        _pathBit = [.. pathBit];
        _slotStart = [.. slotStart];
        _slotPlayer = [.. slotPlayer];
        _slotZ = [.. slotZ];
        _tableStart = tableStart;
        _tables = tables;
    }

    /// <summary>Number of doubles in all tables.</summary>
    public long TableEntries => _tables.LongLength;

    /// <summary>Builds the tables, or returns null when a leaf's path has more than <see cref="MaxPathPlayers"/> distinct
    /// players or all tables together would exceed <paramref name="maxEntries"/> doubles (the recursion is used then).</summary>
    /// <param name="ensemble">The model, with covers.</param>
    /// <param name="nodePlayer">The player of each node's split, <c>[nodes]</c> (leaves: any).</param>
    /// <param name="trueFraction">Cover fraction of each node's true child, <c>[nodes]</c>.</param>
    /// <param name="falseFraction">Cover fraction of each node's false child, <c>[nodes]</c>.</param>
    /// <param name="maxEntries">The budget in doubles (8 bytes each).</param>
    public static PathDependentTables? TryBuild(TreeEnsemble ensemble, int[] nodePlayer, double[] trueFraction, double[] falseFraction, long maxEntries)
    {
        var internalNodes = new List<int>();
        var leafNode = new List<int>();
        var pathStart = new List<int> { 0 };
        var pathNode = new List<int>();
        var pathWentTrue = new List<bool>();
        var pathBit = new List<int>();
        var slotStart = new List<int> { 0 };
        var slotPlayer = new List<int>();
        var slotZ = new List<double>();
        long entries = 0;

        // Depth-first over each tree with the path from the root: (node, went true) per level.
        var path = new List<(int Node, bool WentTrue)>();
        var stack = new Stack<(int Node, int Depth, bool WentTrue)>();
        var players = new List<int>();
        var z = new List<double>();
        for (int n = 0; n < ensemble.NodeCount; n++)
        {
            if (ensemble.Mode[n] != NodeMode.Leaf)
            {
                internalNodes.Add(n);
            }
        }

        foreach (int root in ensemble.TreeRoots)
        {
            stack.Push((root, 0, false));
            while (stack.Count > 0)
            {
                var (node, depth, wentTrue) = stack.Pop();
                path.RemoveRange(depth, path.Count - depth);
                if (depth > 0)
                {
                    path[depth - 1] = (path[depth - 1].Node, wentTrue);
                }

                if (ensemble.Mode[node] != NodeMode.Leaf)
                {
                    path.Add((node, false));
                    stack.Push((ensemble.FalseChild[node], depth + 1, false));
                    stack.Push((ensemble.TrueChild[node], depth + 1, true));
                    continue;
                }

                players.Clear();
                z.Clear();
                foreach (var (splitNode, splitTrue) in path)
                {
                    int player = nodePlayer[splitNode];
                    int slot = players.IndexOf(player);
                    if (slot < 0)
                    {
                        slot = players.Count;
                        players.Add(player);
                        z.Add(1);
                    }

                    z[slot] *= splitTrue ? trueFraction[splitNode] : falseFraction[splitNode];
                    pathNode.Add(splitNode);
                    pathWentTrue.Add(splitTrue);
                    pathBit.Add(1 << Math.Min(slot, 30));
                }

                if (players.Count > MaxPathPlayers)
                {
                    return null;
                }

                entries += 1L << players.Count;
                if (entries > maxEntries)
                {
                    return null;
                }

                leafNode.Add(node);
                pathStart.Add(pathNode.Count);
                slotPlayer.AddRange(players);
                slotZ.AddRange(z);
                slotStart.Add(slotPlayer.Count);
            }
        }

        var tableStart = new long[leafNode.Count];
        var tables = new double[entries];
        long at = 0;
        var polynomials = Array.Empty<double>();
        for (int l = 0; l < leafNode.Count; l++)
        {
            int d = slotStart[l + 1] - slotStart[l];
            tableStart[l] = at;
            if (polynomials.Length < (1 << d) * (d + 1))
            {
                polynomials = new double[(1 << d) * (d + 1)];
            }

            Fill(slotZ, slotStart[l], d, tables.AsSpan((int)at, 1 << d), polynomials);
            at += 1L << d;
        }

        return new PathDependentTables(ensemble, [.. internalNodes], leafNode, pathStart, pathNode, pathWentTrue, pathBit, slotStart, slotPlayer, slotZ, tableStart, tables);
    }

    /// <summary>F(B) for every subset B of the leaf's d players (bit j: slot j): the sum over S subset B of
    /// |S|!(d-|S|-1)!/d! * e_{|B|-|S|}(z_B), e the elementary symmetric polynomials. F(all) is never read (no player
    /// is outside A then) and is 0.</summary>
    private static void Fill(List<double> slotZ, int first, int d, Span<double> table, double[] polynomials)
    {
        if (d == 0)
        {
            table[0] = 0;
            return;
        }

        // weight[k] = k!(d-k-1)!/d!, k = 0..d-1.
        Span<double> weight = stackalloc double[d];
        weight[0] = 1.0 / d;
        for (int k = 0; k + 1 < d; k++)
        {
            weight[k + 1] = weight[k] * (k + 1) / (d - k - 1);
        }

        int stride = d + 1;
        var poly = polynomials.AsSpan(0, (1 << d) * stride);
        poly.Clear();
        poly[0] = 1;
        table[0] = weight[0];
        for (int mask = 1; mask < 1 << d; mask++)
        {
            int j = BitOperations.TrailingZeroCount(mask);
            int previous = mask & (mask - 1);
            double zj = slotZ[first + j];
            var from = poly.Slice(previous * stride, stride);
            var to = poly.Slice(mask * stride, stride);
            int b = BitOperations.PopCount((uint)mask);
            to[0] = from[0];
            for (int m = 1; m <= b; m++)
            {
                to[m] = from[m] + (zj * from[m - 1]);
            }

            if (b == d)
            {
                table[mask] = 0;
                continue;
            }

            double f = 0;
            for (int m = 0; m <= b; m++)
            {
                f += weight[b - m] * to[m];
            }

            table[mask] = f;
        }
    }

    /// <summary>Scratch of one thread: the row's decision at every split node (1: true child), <c>[nodes]</c>.</summary>
    public byte[] CreateDecisions() => new byte[_ensemble.NodeCount];

    /// <summary>Adds the SHAP values of one row, <c>[players, outputs]</c>, to <paramref name="phi"/> (which the caller cleared).</summary>
    /// <param name="x">The row, <c>[columns]</c>; NaN is missing.</param>
    /// <param name="phi">Destination, <c>[players, outputs]</c>.</param>
    /// <param name="goesTrue">Scratch from <see cref="CreateDecisions"/>.</param>
    public void Explain(ReadOnlySpan<double> x, Span<double> phi, byte[] goesTrue)
    {
        foreach (int node in _internalNodes)
        {
            double value = x[_column[node]];
            bool goes = _mode[node] == NodeMode.BranchLeq
                ? value <= _threshold[node] || (double.IsNaN(value) && _missingTracksTrue[node])
                : _ensemble.GoesTrue(node, value);
            goesTrue[node] = goes ? (byte)1 : (byte)0;
        }

        // Which path players the row satisfies differs from row to row and leaf to leaf: the loops below choose without
        // branching on it (a choice of two values by index), which the processor cannot predict.
        Span<double> choice = stackalloc double[2];

        var leafValues = _ensemble.LeafValues;
        for (int l = 0; l < _leafNode.Length; l++)
        {
            int firstSlot = _slotStart[l];
            int d = _slotStart[l + 1] - firstSlot;
            if (d == 0)
            {
                continue;
            }

            int mask = (1 << d) - 1;
            for (int p = _pathStart[l], end = _pathStart[l + 1]; p < end; p++)
            {
                int differs = goesTrue[_pathNode[p]] ^ _pathWentTrue[p];
                mask &= ~(_pathBit[p] & -differs);
            }

            double outside = 1;
            choice[1] = 1;
            for (int s = 0; s < d; s++)
            {
                choice[0] = _slotZ[firstSlot + s];
                outside *= choice[(mask >> s) & 1];
            }

            if (outside == 0)
            {
                continue;
            }

            var table = _tables.AsSpan((int)_tableStart[l], 1 << d);
            double cold = -outside * table[mask];
            int node = _leafNode[l];
            if (_outputs == 1)
            {
                double v = leafValues[node];
                choice[0] = cold;
                for (int s = 0; s < d; s++)
                {
                    choice[1] = (1 - _slotZ[firstSlot + s]) * outside * table[mask ^ (1 << s)];
                    phi[_slotPlayer[firstSlot + s]] += choice[(mask >> s) & 1] * v;
                }

                continue;
            }

            var values = leafValues.AsSpan(node * _outputs, _outputs);
            choice[0] = cold;
            for (int s = 0; s < d; s++)
            {
                choice[1] = (1 - _slotZ[firstSlot + s]) * outside * table[mask ^ (1 << s)];
                double coefficient = choice[(mask >> s) & 1];
                var target = phi.Slice(_slotPlayer[firstSlot + s] * _outputs, _outputs);
                for (int o = 0; o < _outputs; o++)
                {
                    target[o] += coefficient * values[o];
                }
            }
        }
    }
}
