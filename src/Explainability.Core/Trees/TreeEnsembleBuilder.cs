namespace Explainability.Core.Trees;

/// <summary>
/// Builds a <see cref="TreeEnsemble"/> node by node (as a reader of a model file does) or tree by tree from
/// nested <see cref="TreeNodeSpec"/> values (as tests and hand-written models do). Not thread-safe.
/// </summary>
public sealed class TreeEnsembleBuilder
{
    private readonly List<int> _feature = [];
    private readonly List<double> _threshold = [];
    private readonly List<NodeMode> _mode = [];
    private readonly List<int> _true = [];
    private readonly List<int> _false = [];
    private readonly List<bool> _nanTrue = [];
    private readonly List<double[]?> _sets = [];
    private readonly List<double> _leaf = [];
    private readonly List<double> _cover = [];
    private readonly List<int> _roots = [];
    private bool _anyCover;

    /// <summary>Starts an ensemble over rows of <paramref name="featureCount"/> columns with <paramref name="outputCount"/> outputs.</summary>
    public TreeEnsembleBuilder(int featureCount, int outputCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(featureCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        FeatureCount = featureCount;
        OutputCount = outputCount;
    }

    /// <summary>Input width of the ensemble being built.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of outputs per leaf.</summary>
    public int OutputCount { get; }

    /// <summary>Nodes added so far.</summary>
    public int NodeCount => _mode.Count;

    /// <summary>Adds a node (a leaf with zero values until set) and returns its global index.</summary>
    public int AddNode()
    {
        _feature.Add(0);
        _threshold.Add(0);
        _mode.Add(NodeMode.Leaf);
        _true.Add(-1);
        _false.Add(-1);
        _nanTrue.Add(false);
        _sets.Add(null);
        _cover.Add(0);
        for (int o = 0; o < OutputCount; o++)
        {
            _leaf.Add(0);
        }

        return _mode.Count - 1;
    }

    /// <summary>Makes <paramref name="node"/> an internal node.</summary>
    public void SetBranch(int node, int feature, NodeMode mode, double threshold, int trueChild, int falseChild, bool missingTracksTrue, double[]? memberSet = null)
    {
        if (mode == NodeMode.Leaf)
        {
            throw new ArgumentException("SetBranch needs a branch mode", nameof(mode));
        }

        _feature[node] = feature;
        _mode[node] = mode;
        _threshold[node] = threshold;
        _true[node] = trueChild;
        _false[node] = falseChild;
        _nanTrue[node] = missingTracksTrue;
        _sets[node] = memberSet;
    }

    /// <summary>Adds <paramref name="value"/> to output <paramref name="output"/> of leaf <paramref name="node"/> (ONNX leaves may list several weights per output; they add up).</summary>
    public void AddLeafValue(int node, int output, double value)
    {
        if ((uint)output >= (uint)OutputCount)
        {
            throw new ArgumentOutOfRangeException(nameof(output), output, $"the ensemble has {OutputCount} outputs");
        }

        _leaf[(node * OutputCount) + output] += value;
    }

    /// <summary>Sets the cover of a node (training rows or weight reaching it).</summary>
    public void SetCover(int node, double cover)
    {
        _cover[node] = cover;
        _anyCover = true;
    }

    /// <summary>Declares <paramref name="node"/> the root of a new tree.</summary>
    public void AddRoot(int node) => _roots.Add(node);

    /// <summary>Adds a whole tree given as nested specs; covers are taken from the specs when any spec has one.</summary>
    /// <returns>The root's global node index.</returns>
    public int AddTree(TreeNodeSpec root)
    {
        int index = Add(root);
        _roots.Add(index);
        return index;
    }

    /// <summary>Builds the ensemble with the given base values (<c>[outputs]</c>, zero when null).</summary>
    /// <exception cref="ArgumentException">The nodes do not form valid trees.</exception>
    public TreeEnsemble Build(double[]? baseValues = null) =>
        new(FeatureCount, OutputCount, [.. _roots], [.. _feature], [.. _threshold], [.. _mode], [.. _true], [.. _false], [.. _nanTrue],
            [.. _leaf], baseValues ?? new double[OutputCount], _sets.Any(s => s is not null) ? [.. _sets.Select(s => s ?? [])] : null,
            _anyCover ? [.. _cover] : null, _anyCover ? "given" : null);

    private int Add(TreeNodeSpec spec)
    {
        int node = AddNode();
        if (spec.Cover is double c)
        {
            SetCover(node, c);
        }

        if (spec.Mode == NodeMode.Leaf)
        {
            var values = spec.Values ?? [];
            if (values.Length != OutputCount)
            {
                throw new ArgumentException($"leaf has {values.Length} values, the ensemble has {OutputCount} outputs");
            }

            for (int o = 0; o < values.Length; o++)
            {
                AddLeafValue(node, o, values[o]);
            }

            return node;
        }

        int t = Add(spec.True!);
        int f = Add(spec.False!);
        SetBranch(node, spec.Feature, spec.Mode, spec.Threshold, t, f, spec.MissingTracksTrue, spec.MemberSet);
        return node;
    }
}

/// <summary>A node of a tree written as a nested value, for <see cref="TreeEnsembleBuilder.AddTree"/>.</summary>
/// <param name="Mode">Leaf or a branch mode.</param>
/// <param name="Feature">Split feature (branches).</param>
/// <param name="Threshold">Split threshold (branches).</param>
/// <param name="True">Child when the comparison holds.</param>
/// <param name="False">Child when it fails.</param>
/// <param name="MissingTracksTrue">Whether NaN goes to <paramref name="True"/>.</param>
/// <param name="Values">Leaf values, <c>[outputs]</c>.</param>
/// <param name="Cover">Optional cover of the node.</param>
/// <param name="MemberSet">Value set of a BRANCH_MEMBER node.</param>
public sealed record TreeNodeSpec(
    NodeMode Mode,
    int Feature = 0,
    double Threshold = 0,
    TreeNodeSpec? True = null,
    TreeNodeSpec? False = null,
    bool MissingTracksTrue = false,
    double[]? Values = null,
    double? Cover = null,
    double[]? MemberSet = null)
{
    /// <summary>A leaf with one value per output.</summary>
    public static TreeNodeSpec Leaf(double value, double? cover = null) => new(NodeMode.Leaf, Values: [value], Cover: cover);

    /// <summary>A leaf with several outputs.</summary>
    public static TreeNodeSpec Leaf(double[] values, double? cover = null) => new(NodeMode.Leaf, Values: values, Cover: cover);

    /// <summary>An internal node <c>x[feature] MODE threshold ? yes : no</c>.</summary>
    public static TreeNodeSpec Branch(int feature, NodeMode mode, double threshold, TreeNodeSpec yes, TreeNodeSpec no, bool nanGoesYes = false, double? cover = null) =>
        new(mode, feature, threshold, yes, no, nanGoesYes, Cover: cover);

    /// <summary>A BRANCH_MEMBER node: <c>x[feature] in set ? yes : no</c>.</summary>
    public static TreeNodeSpec Member(int feature, double[] set, TreeNodeSpec yes, TreeNodeSpec no, bool nanGoesYes = false, double? cover = null) =>
        new(NodeMode.BranchMember, feature, 0, yes, no, nanGoesYes, Cover: cover, MemberSet: set);
}
