using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>
/// Path-dependent ("tree_path_dependent") TreeSHAP: exact SHAP values of a tree ensemble in margin space where the
/// node covers stand in for the data distribution (the value of a coalition S is the expected output when features
/// outside S follow each split in proportion to the children's covers).
/// </summary>
/// <remarks>
/// <para>Source: Lundberg, Erion, Lee, "Consistent individualized feature attribution for tree ensembles" (2018),
/// Algorithm 2 (EXTEND, UNWIND and the unwound path sum); Lundberg et al., "From local explanations to global
/// understanding with explainable AI for trees", Nature Machine Intelligence 2 (2020). Cost O(T L D^2) per row for
/// T trees, L leaves, depth D. When the model's tables fit the budget, <see cref="Explain"/> reads per-leaf tables
/// precomputed here instead (Fast TreeSHAP v2, Yang 2021; O(T L D) per row, <see cref="PathDependentTables"/>); the
/// recursion stays for larger models and for the conditioned runs of interaction values.</para>
/// <para>Leaves carry one value per output; the path weights do not depend on the leaf value, so all outputs are
/// explained in one pass. Below a node of cover 0 both children get half the weight
/// (<see cref="CoverCounter.ZeroCoverRule"/>); a branch whose weights are all zero is skipped, so no NaN arises
/// from zero covers (casebook C13).</para>
/// <para>Thread-safe: each call works in the caller's <see cref="Workspace"/>; the instance is immutable.</para>
/// </remarks>
public sealed class TreeShapPathDependent
{
    private readonly TreeEnsemble _ensemble;
    private readonly double[] _covers;
    private readonly int[] _nodePlayer;

    // The hot loop reads the ensemble's arrays from fields of its own, and the cover fractions of both children of every
    // node, computed once here instead of per row and node.
    private readonly int[] _roots;
    private readonly NodeMode[] _mode;
    private readonly int[] _column;
    private readonly double[] _threshold;
    private readonly int[] _trueChild;
    private readonly int[] _falseChild;
    private readonly bool[] _missingTracksTrue;
    private readonly double[] _leafValues;
    private readonly double[] _trueFraction;
    private readonly double[] _falseFraction;

    // _inverse[k] = 1 / k for k = 1..MaxDepth + 2: the path weights' (i + 1) / (d + 1) factors as multiplications.
    private readonly double[] _inverse;

    // Fast TreeSHAP v2 tables when the budget allows them; null: the recursion explains every row.
    private readonly PathDependentTables? _tables;

    /// <summary>Prepares the explainer.</summary>
    /// <param name="ensemble">The model, with covers.</param>
    /// <param name="columnToPlayer">The player (raw feature) of each input column, <c>[columns]</c>; columns of one player
    /// enter and leave coalitions together (a one-hot group is one player). Null: each column is its own player.</param>
    /// <param name="playerCount">Number of players; required with <paramref name="columnToPlayer"/>.</param>
    /// <param name="maxTableEntries">Budget, in doubles (8 bytes each), for the per-leaf tables of Fast TreeSHAP v2
    /// (<see cref="Explain"/> then costs O(T L D) per row instead of O(T L D^2)); an ensemble whose tables would need more,
    /// or with a leaf whose path has more than 14 distinct players, is explained by the recursion. 0: always the
    /// recursion. Default <see cref="DefaultMaxTableEntries"/>.</param>
    /// <exception cref="ArgumentException">The ensemble has no covers; attach them with
    /// <see cref="TreeEnsemble.WithCovers"/> (for example counted by <see cref="CoverCounter"/> over reference rows).
    /// Or a column maps outside <c>0..playerCount-1</c>.</exception>
    public TreeShapPathDependent(TreeEnsemble ensemble, int[]? columnToPlayer = null, int playerCount = -1, long maxTableEntries = DefaultMaxTableEntries)
    {
        _ensemble = ensemble;
        _covers = ensemble.Covers ?? throw new ArgumentException(
            "path-dependent TreeSHAP needs node covers; the model carries none. Supply reference rows (a background dataset) to count them, or use interventional TreeSHAP.",
            nameof(ensemble));
        (_nodePlayer, PlayerCount) = Players.PerNode(ensemble, columnToPlayer, playerCount);
        _roots = ensemble.TreeRoots;
        _mode = ensemble.Mode;
        _column = ensemble.Feature;
        _threshold = ensemble.Threshold;
        _trueChild = ensemble.TrueChild;
        _falseChild = ensemble.FalseChild;
        _missingTracksTrue = ensemble.MissingTracksTrue;
        _leafValues = ensemble.LeafValues;
        _trueFraction = new double[ensemble.NodeCount];
        _falseFraction = new double[ensemble.NodeCount];
        for (int n = 0; n < ensemble.NodeCount; n++)
        {
            if (_mode[n] != NodeMode.Leaf)
            {
                _trueFraction[n] = CoverCounter.Fraction(_covers, n, _trueChild[n]);
                _falseFraction[n] = CoverCounter.Fraction(_covers, n, _falseChild[n]);
            }
        }

        _inverse = new double[ensemble.MaxDepth + 3];
        for (int k = 1; k < _inverse.Length; k++)
        {
            _inverse[k] = 1.0 / k;
        }

        ExpectedValue = ComputeExpectedValue();
        _tables = maxTableEntries > 0 ? PathDependentTables.TryBuild(ensemble, _nodePlayer, _trueFraction, _falseFraction, maxTableEntries) : null;
    }

    /// <summary>The default budget for the Fast TreeSHAP v2 tables: 2^19 doubles (4 MiB) per model. Each row reads
    /// every leaf's table at scattered places, so the tables pay only while they stay in the processor's cache: measured
    /// (<c>--filter '*TreeShapBenchmarks.PathDependentBatch*'</c>: 256 different rows, one thread, 50 features), 100 trees
    /// of depth 6 with 2 MiB of tables 2.2x faster than the recursion (230 against 503 us per row), 500 trees of depth 6
    /// with 13 MiB 1.56x slower (3,877 against 2,488 us), 1,000 trees with 26 MiB 1.46x slower.</summary>
    public const long DefaultMaxTableEntries = 1L << 19;

    /// <summary>Doubles held in Fast TreeSHAP v2 tables; 0 when rows are explained by the recursion (Algorithm 2).</summary>
    public long TableEntries => _tables?.TableEntries ?? 0;

    /// <summary>Number of players: the length of the first axis of the SHAP values.</summary>
    public int PlayerCount { get; }

    /// <summary>The base value in margin space, <c>[outputs]</c>: the cover-weighted mean output of the ensemble.</summary>
    public double[] ExpectedValue { get; }

    /// <summary>Scratch memory for one thread; reuse it across rows so the hot path allocates nothing.</summary>
    public sealed class Workspace
    {
        internal Workspace(int maxDepth, byte[] decisions)
        {
            // Level d (0..D+1) uses a segment of d + 2 elements after the parent's: a triangle of side D + 3.
            Path = new PathElement[(maxDepth + 3) * (maxDepth + 4) / 2];
            Decisions = decisions;
        }

        internal PathElement[] Path { get; }

        /// <summary>The tables' scratch: the row's decision at every node (empty without tables).</summary>
        internal byte[] Decisions { get; }
    }

    /// <summary>Creates scratch memory for one thread.</summary>
    public Workspace CreateWorkspace() => new(_ensemble.MaxDepth, _tables?.CreateDecisions() ?? []);

    /// <summary>
    /// Computes SHAP values of one row in margin space.
    /// </summary>
    /// <param name="x">The row, <c>[columns]</c> (the ensemble's input columns); NaN is missing.</param>
    /// <param name="phi">Destination, <c>[players, outputs]</c>, overwritten.</param>
    /// <param name="workspace">Scratch memory from <see cref="CreateWorkspace"/>, used by one thread at a time.</param>
    /// <remarks>Additivity: <c>ExpectedValue[o] + sum over p of phi[p, o]</c> equals the margin of <paramref name="x"/>.</remarks>
    public void Explain(ReadOnlySpan<double> x, Span<double> phi, Workspace workspace)
    {
        if (_tables is null)
        {
            Run(x, phi, workspace, default(Unconditioned));
            return;
        }

        CheckShapes(x, phi);
        phi.Clear();
        _tables.Explain(x, phi, workspace.Decisions);
    }

    private void CheckShapes(ReadOnlySpan<double> x, Span<double> phi)
    {
        if (x.Length != _ensemble.FeatureCount || phi.Length != PlayerCount * _ensemble.OutputCount)
        {
            throw new ArgumentException($"expected a row of {_ensemble.FeatureCount} values and phi of {PlayerCount * _ensemble.OutputCount}");
        }
    }

    /// <summary>
    /// SHAP values of one row in margin space for the game in which one player is held fixed: always present
    /// (<paramref name="present"/>) or always absent. The fixed player gets 0 and is no player of the game; the others'
    /// values are their Shapley values in the game over the remaining players.
    /// </summary>
    /// <param name="x">The row, <c>[columns]</c>; NaN is missing.</param>
    /// <param name="phi">Destination, <c>[players, outputs]</c>, overwritten.</param>
    /// <param name="workspace">Scratch memory from <see cref="CreateWorkspace"/>.</param>
    /// <param name="player">The player held fixed, <c>0..PlayerCount-1</c> (all its columns).</param>
    /// <param name="present">True: the player always follows the row's value; false: it always follows the covers.</param>
    /// <remarks>Source: the conditioned recursion of the shap library's <c>tree_shap_recursive</c> (<c>condition</c>,
    /// <c>condition_feature</c>, <c>condition_fraction</c>), used for SHAP interaction values, Lundberg et al. 2020
    /// (Nature Machine Intelligence), Methods, "SHAP interaction values".</remarks>
    internal void ExplainConditioned(ReadOnlySpan<double> x, Span<double> phi, Workspace workspace, int player, bool present)
    {
        if ((uint)player >= (uint)PlayerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(player), player, $"expected a player in 0..{PlayerCount - 1}");
        }

        Run(x, phi, workspace, new Conditioned(player, present));
    }

    // Generic over the condition so that the JIT compiles the unconditioned recursion without any of the conditioned
    // run's tests and multiplications (a struct type argument gets its own code).
    private void Run<TCondition>(ReadOnlySpan<double> x, Span<double> phi, Workspace workspace, TCondition condition)
        where TCondition : struct, ICondition
    {
        CheckShapes(x, phi);
        phi.Clear();
        var path = workspace.Path.AsSpan();
        foreach (int root in _roots)
        {
            Recurse(root, x, phi, path, 0, 1, 1, -1, condition, 1);
        }
    }

    private void Recurse<TCondition>(int node, ReadOnlySpan<double> x, Span<double> phi, Span<PathElement> parentPath, int depth, double zero, double one, int feature, TCondition condition, double conditionFraction)
        where TCondition : struct, ICondition
    {
        // Each level works on its own copy of the path, placed after the parent's segment, so that both children
        // of a node see the same path (Lundberg et al. 2018, Algorithm 2, as laid out in the reference implementation).
        // A split on the fixed player of a conditioned run is not a path element: it only scales the branches' weight.
        var path = parentPath[(depth + 1)..];
        parentPath[..(depth + 1)].CopyTo(path);
        if (!condition.IsActive || feature != condition.Player)
        {
            Extend(path, depth, zero, one, feature);
        }

        if (_mode[node] == NodeMode.Leaf)
        {
            AddLeaf(node, phi, path, depth, condition.IsActive ? conditionFraction : 1);
            return;
        }

        int split = _nodePlayer[node];
        double value = x[_column[node]];
        bool goesTrue = _mode[node] == NodeMode.BranchLeq
            ? value <= _threshold[node] || (double.IsNaN(value) && _missingTracksTrue[node])
            : _ensemble.GoesTrue(node, value);
        int hot, cold;
        double hotFraction, coldFraction;
        if (goesTrue)
        {
            (hot, cold, hotFraction, coldFraction) = (_trueChild[node], _falseChild[node], _trueFraction[node], _falseFraction[node]);
        }
        else
        {
            (hot, cold, hotFraction, coldFraction) = (_falseChild[node], _trueChild[node], _falseFraction[node], _trueFraction[node]);
        }

        double incomingZero = 1, incomingOne = 1;
        int pathDepth = depth;
        for (int k = 1; k <= depth; k++)
        {
            if (path[k].Feature == split)
            {
                incomingZero = path[k].Zero;
                incomingOne = path[k].One;
                Unwind(path, depth, k);
                pathDepth--;
                break;
            }
        }

        double hotZero = incomingZero * hotFraction;
        double coldZero = incomingZero * coldFraction;
        double hotCondition = conditionFraction, coldCondition = conditionFraction;
        int childDepth = pathDepth + 1;
        if (condition.IsActive && split == condition.Player)
        {
            // The fixed player present follows the row; absent, both branches in proportion to their covers. Its split
            // adds no path element, so the children keep this node's path and depth.
            (hotCondition, coldCondition) = condition.Present ? (conditionFraction, 0) : (conditionFraction * hotFraction, conditionFraction * coldFraction);
            childDepth = pathDepth;
        }

        // A branch whose zero and one fractions are both 0 carries no weight in any coalition: skipping it avoids 0/0.
        if ((hotZero != 0 || incomingOne != 0) && (!condition.IsActive || hotCondition != 0))
        {
            Recurse(hot, x, phi, path, childDepth, hotZero, incomingOne, split, condition, hotCondition);
        }

        if (coldZero != 0 && (!condition.IsActive || coldCondition != 0))
        {
            Recurse(cold, x, phi, path, childDepth, coldZero, 0, split, condition, coldCondition);
        }
    }

    private void AddLeaf(int node, Span<double> phi, Span<PathElement> path, int depth, double conditionFraction)
    {
        int outputs = _ensemble.OutputCount;
        if (outputs == 1)
        {
            // The common single-output case: no inner loop over outputs.
            double leaf = _leafValues[node] * conditionFraction;
            for (int i = 1; i <= depth; i++)
            {
                phi[path[i].Feature] += UnwoundPathSum(path, depth, i) * (path[i].One - path[i].Zero) * leaf;
            }

            return;
        }

        var values = _leafValues.AsSpan(node * outputs, outputs);
        for (int i = 1; i <= depth; i++)
        {
            double w = UnwoundPathSum(path, depth, i) * (path[i].One - path[i].Zero) * conditionFraction;
            var target = phi.Slice(path[i].Feature * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                target[o] += w * values[o];
            }
        }
    }

    private void Extend(Span<PathElement> path, int depth, double zero, double one, int feature)
    {
        path[depth] = new PathElement(feature, zero, one, depth == 0 ? 1 : 0);
        double inverse = _inverse[depth + 1];
        for (int i = depth - 1; i >= 0; i--)
        {
            double w = path[i].Weight * inverse;
            path[i + 1].Weight += one * w * (i + 1);
            path[i].Weight = zero * w * (depth - i);
        }
    }

    private void Unwind(Span<PathElement> path, int depth, int index)
    {
        double one = path[index].One, zero = path[index].Zero;
        double next = path[depth].Weight;
        double inverse = _inverse[depth + 1];
        if (one != 0)
        {
            double scale = (depth + 1) / one;
            for (int i = depth - 1; i >= 0; i--)
            {
                double tmp = path[i].Weight;
                path[i].Weight = next * scale * _inverse[i + 1];
                next = tmp - (path[i].Weight * zero * (depth - i) * inverse);
            }
        }
        else
        {
            double scale = (depth + 1) / zero;
            for (int i = depth - 1; i >= 0; i--)
            {
                path[i].Weight = path[i].Weight * scale * _inverse[depth - i];
            }
        }

        for (int i = index; i < depth; i++)
        {
            path[i].Feature = path[i + 1].Feature;
            path[i].Zero = path[i + 1].Zero;
            path[i].One = path[i + 1].One;
        }
    }

    private double UnwoundPathSum(Span<PathElement> path, int depth, int index)
    {
        double one = path[index].One, zero = path[index].Zero;
        double total = 0;
        if (one != 0)
        {
            double scale = (depth + 1) / one;
            double shrink = zero * _inverse[depth + 1];
            double next = path[depth].Weight;
            for (int i = depth - 1; i >= 0; i--)
            {
                double tmp = next * scale * _inverse[i + 1];
                total += tmp;
                next = path[i].Weight - (tmp * shrink * (depth - i));
            }
        }
        else
        {
            double scale = (depth + 1) / zero;
            for (int i = depth - 1; i >= 0; i--)
            {
                total += path[i].Weight * scale * _inverse[depth - i];
            }
        }

        return total;
    }

    private double[] ComputeExpectedValue()
    {
        var e = _ensemble;
        var expected = (double[])e.BaseValues.Clone();
        var stack = new Stack<(int Node, double Weight)>();
        foreach (int root in e.TreeRoots)
        {
            stack.Push((root, 1));
            while (stack.Count > 0)
            {
                var (node, w) = stack.Pop();
                if (e.Mode[node] == NodeMode.Leaf)
                {
                    for (int o = 0; o < e.OutputCount; o++)
                    {
                        expected[o] += w * e.LeafValues[(node * e.OutputCount) + o];
                    }

                    continue;
                }

                stack.Push((e.TrueChild[node], w * CoverCounter.Fraction(_covers, node, e.TrueChild[node])));
                stack.Push((e.FalseChild[node], w * CoverCounter.Fraction(_covers, node, e.FalseChild[node])));
            }
        }

        return expected;
    }

    /// <summary>Which player a run holds fixed, if any, and whether it is present.</summary>
    private interface ICondition
    {
        /// <summary>Whether a player is held fixed.</summary>
        bool IsActive { get; }

        /// <summary>The player held fixed.</summary>
        int Player { get; }

        /// <summary>Whether it is held present (else absent).</summary>
        bool Present { get; }
    }

    /// <summary>No player held fixed: plain TreeSHAP.</summary>
    private readonly struct Unconditioned : ICondition
    {
        public bool IsActive => false;

        public int Player => -1;

        public bool Present => false;
    }

    /// <summary>One player held present or absent.</summary>
    private readonly struct Conditioned(int player, bool present) : ICondition
    {
        public bool IsActive => true;

        public int Player { get; } = player;

        public bool Present { get; } = present;
    }

    internal struct PathElement(int feature, double zero, double one, double weight)
    {
        public int Feature = feature;
        public double Zero = zero;
        public double One = one;
        public double Weight = weight;
    }
}
