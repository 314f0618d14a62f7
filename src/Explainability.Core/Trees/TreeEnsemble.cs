namespace Explainability.Core.Trees;

/// <summary>
/// An additive ensemble of binary decision trees in flat struct-of-arrays form: the shape every TreeSHAP
/// algorithm in this library works on. Node <c>n</c> of the ensemble is described by the entries at index
/// <c>n</c> of every per-node array; trees are contiguous node ranges and <see cref="TreeRoots"/> gives each root.
/// </summary>
/// <remarks>
/// <para>The model output in margin space for a row <c>x</c> of <see cref="FeatureCount"/> values is
/// <c>margin[o] = BaseValues[o] + sum over trees of LeafValues[leaf(t, x) * OutputCount + o]</c>.
/// An ONNX <c>AVERAGE</c> aggregation is represented by dividing leaf values by the tree count when reading,
/// and constant affine operations after the ensemble by scaling leaves and base values (<see cref="WithAffine"/>),
/// so that this sum is the only aggregation the algorithms see.</para>
/// <para>Feature values and thresholds are <see cref="double"/>. A threshold holds exactly the value the model
/// stores (a float32 threshold is widened without rounding), and a float32 input is widened exactly too, so
/// comparing in double routes every row exactly as ONNX Runtime does (casebook C01).</para>
/// <para>Missing values are <see cref="double.NaN"/>: every comparison with NaN is false, so a NaN follows the
/// true child only where <see cref="MissingTracksTrue"/> is set, and otherwise the false child (ONNX semantics;
/// an explicit 0.0 is a value, never "missing", casebook C03).</para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
public sealed class TreeEnsemble
{
    /// <summary>Creates an ensemble from its flat arrays; prefer <see cref="TreeEnsembleBuilder"/>.</summary>
    /// <exception cref="ArgumentException">An array has the wrong length, a child or feature index is out of range,
    /// or a tree is not a tree (a node reached twice).</exception>
    public TreeEnsemble(
        int featureCount,
        int outputCount,
        int[] treeRoots,
        int[] feature,
        double[] threshold,
        NodeMode[] mode,
        int[] trueChild,
        int[] falseChild,
        bool[] missingTracksTrue,
        double[] leafValues,
        double[] baseValues,
        double[][]? memberSets = null,
        double[]? covers = null,
        string? coversSource = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(featureCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        int n = feature.Length;
        Require(threshold.Length == n && mode.Length == n && trueChild.Length == n && falseChild.Length == n && missingTracksTrue.Length == n,
            $"every per-node array must have {n} entries");
        Require(leafValues.Length == n * outputCount, $"leafValues must have nodes x outputs = {n * outputCount} entries, got {leafValues.Length}");
        Require(baseValues.Length == outputCount, $"baseValues must have {outputCount} entries, got {baseValues.Length}");
        Require(covers is null || covers.Length == n, $"covers must have {n} entries");
        Require(memberSets is null || memberSets.Length == n, $"memberSets must have {n} entries");
        for (int i = 0; i < n; i++)
        {
            if (mode[i] == NodeMode.Leaf)
            {
                continue;
            }

            Require((uint)feature[i] < (uint)featureCount, $"node {i} splits on feature {feature[i]}, but the ensemble has {featureCount} features");
            Require((uint)trueChild[i] < (uint)n && (uint)falseChild[i] < (uint)n, $"node {i} has a child outside 0..{n - 1}");
            Require(mode[i] != NodeMode.BranchMember || memberSets?[i] is not null, $"node {i} is BRANCH_MEMBER but has no member set");
        }

        foreach (int root in treeRoots)
        {
            Require((uint)root < (uint)n, $"tree root {root} is outside 0..{n - 1}");
        }

        FeatureCount = featureCount;
        OutputCount = outputCount;
        TreeRoots = treeRoots;
        Feature = feature;
        Threshold = threshold;
        Mode = mode;
        TrueChild = trueChild;
        FalseChild = falseChild;
        MissingTracksTrue = missingTracksTrue;
        LeafValues = leafValues;
        BaseValues = baseValues;
        MemberSets = memberSets;
        Covers = covers;
        CoversSource = covers is null ? null : coversSource ?? "given";
        MaxDepth = ComputeMaxDepth();
    }

    /// <summary>Number of input columns a row has (the ensemble's input width).</summary>
    public int FeatureCount { get; }

    /// <summary>Number of outputs (targets or classes) each leaf carries.</summary>
    public int OutputCount { get; }

    /// <summary>Number of trees.</summary>
    public int TreeCount => TreeRoots.Length;

    /// <summary>Number of nodes over all trees.</summary>
    public int NodeCount => Feature.Length;

    /// <summary>Deepest root-to-leaf path, counted in splits (a single leaf has depth 0).</summary>
    public int MaxDepth { get; }

    /// <summary>Root node index of each tree, <c>[trees]</c>.</summary>
    public int[] TreeRoots { get; }

    /// <summary>Split feature per node, <c>[nodes]</c>; unused for leaves.</summary>
    public int[] Feature { get; }

    /// <summary>Split threshold per node, <c>[nodes]</c>, exactly as the model stores it.</summary>
    public double[] Threshold { get; }

    /// <summary>Node mode, <c>[nodes]</c>.</summary>
    public NodeMode[] Mode { get; }

    /// <summary>Child taken when the comparison holds, <c>[nodes]</c>.</summary>
    public int[] TrueChild { get; }

    /// <summary>Child taken when the comparison fails, <c>[nodes]</c>.</summary>
    public int[] FalseChild { get; }

    /// <summary>Whether a NaN goes to the true child, <c>[nodes]</c>.</summary>
    public bool[] MissingTracksTrue { get; }

    /// <summary>Leaf values in margin space, <c>[nodes, outputs]</c> row-major; zero for internal nodes.</summary>
    public double[] LeafValues { get; }

    /// <summary>Constant added to every output in margin space, <c>[outputs]</c>.</summary>
    public double[] BaseValues { get; }

    /// <summary>Value set per BRANCH_MEMBER node, <c>[nodes]</c>, null elsewhere; null when no node uses sets.</summary>
    public double[][]? MemberSets { get; }

    /// <summary>
    /// Per-node cover (number or weight of reference rows reaching the node), <c>[nodes]</c>, or null.
    /// Required by path-dependent TreeSHAP. ONNX files carry none: see <see cref="CoverCounter"/>.
    /// </summary>
    public double[]? Covers { get; }

    /// <summary>Where <see cref="Covers"/> came from (for the explanation's method parameters), or null.</summary>
    public string? CoversSource { get; }

    /// <summary>Whether a row goes to the true child of internal node <paramref name="node"/> for value <paramref name="value"/>.</summary>
    public bool GoesTrue(int node, double value)
    {
        if (double.IsNaN(value))
        {
            return MissingTracksTrue[node];
        }

        double t = Threshold[node];
        return Mode[node] switch
        {
            NodeMode.BranchLeq => value <= t,
            NodeMode.BranchLt => value < t,
            NodeMode.BranchGte => value >= t,
            NodeMode.BranchGt => value > t,
            NodeMode.BranchEq => value == t,
            NodeMode.BranchNeq => value != t,
            NodeMode.BranchMember => Array.IndexOf(MemberSets![node], value) >= 0,
            _ => throw new InvalidOperationException($"node {node} is a leaf"),
        };
    }

    /// <summary>The child of internal node <paramref name="node"/> that row <paramref name="x"/> goes to.</summary>
    public int Next(int node, ReadOnlySpan<double> x) => GoesTrue(node, x[Feature[node]]) ? TrueChild[node] : FalseChild[node];

    /// <summary>The leaf node that row <paramref name="x"/> reaches in tree <paramref name="tree"/>.</summary>
    public int Leaf(int tree, ReadOnlySpan<double> x)
    {
        int node = TreeRoots[tree];
        while (Mode[node] != NodeMode.Leaf)
        {
            node = Next(node, x);
        }

        return node;
    }

    /// <summary>
    /// Evaluates the ensemble in margin space: <paramref name="margin"/> <c>[outputs]</c> receives
    /// <c>BaseValues + sum of the reached leaves</c>, summed in double.
    /// </summary>
    /// <param name="x">One row, <c>[features]</c>; NaN is missing.</param>
    /// <param name="margin">Destination, <c>[outputs]</c>.</param>
    public void Evaluate(ReadOnlySpan<double> x, Span<double> margin)
    {
        if (x.Length != FeatureCount)
        {
            throw new ArgumentException($"row has {x.Length} values, the ensemble expects {FeatureCount}", nameof(x));
        }

        BaseValues.CopyTo(margin);
        for (int t = 0; t < TreeRoots.Length; t++)
        {
            int leaf = Leaf(t, x);
            var values = LeafValues.AsSpan(leaf * OutputCount, OutputCount);
            for (int o = 0; o < values.Length; o++)
            {
                margin[o] += values[o];
            }
        }
    }

    /// <summary>Returns this ensemble with covers attached (<c>[nodes]</c>) and their source named.</summary>
    public TreeEnsemble WithCovers(double[] covers, string source) =>
        new(FeatureCount, OutputCount, TreeRoots, Feature, Threshold, Mode, TrueChild, FalseChild, MissingTracksTrue,
            LeafValues, BaseValues, MemberSets, covers, source);

    /// <summary>
    /// Returns the ensemble of <c>scale[o] * margin[o] + offset[o]</c>: leaf values are scaled and base values
    /// scaled and shifted, which is how constant Mul/Add/Sub/Div after the ensemble are folded in. SHAP values
    /// of the result are the SHAP values of this ensemble times <c>scale</c> (linearity of Shapley values).
    /// </summary>
    public TreeEnsemble WithAffine(ReadOnlySpan<double> scale, ReadOnlySpan<double> offset)
    {
        Require(scale.Length == OutputCount && offset.Length == OutputCount, $"scale and offset need {OutputCount} entries");
        var leaves = new double[LeafValues.Length];
        for (int i = 0; i < leaves.Length; i++)
        {
            leaves[i] = LeafValues[i] * scale[i % OutputCount];
        }

        var bases = new double[OutputCount];
        for (int o = 0; o < OutputCount; o++)
        {
            bases[o] = (BaseValues[o] * scale[o]) + offset[o];
        }

        return new(FeatureCount, OutputCount, TreeRoots, Feature, Threshold, Mode, TrueChild, FalseChild, MissingTracksTrue,
            leaves, bases, MemberSets, Covers, CoversSource);
    }

    private int ComputeMaxDepth()
    {
        int max = 0;
        var stack = new Stack<(int Node, int Depth)>();
        var seen = new bool[NodeCount];
        foreach (int root in TreeRoots)
        {
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (node, depth) = stack.Pop();
                Require(!seen[node], $"node {node} is reached twice: the trees are not trees");
                seen[node] = true;
                max = Math.Max(max, depth);
                if (Mode[node] != NodeMode.Leaf)
                {
                    stack.Push((TrueChild[node], depth + 1));
                    stack.Push((FalseChild[node], depth + 1));
                }
            }
        }

        return max;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException("Invalid tree ensemble: " + message);
        }
    }
}
