using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Core.Trees;
using Explainability.Onnx.Graph;
using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Trees;

/// <summary>
/// Reads an <c>ai.onnx.ml</c> TreeEnsembleRegressor / TreeEnsembleClassifier (opsets 1-3) or TreeEnsemble (opset 5)
/// node into a Core <see cref="TreeEnsemble"/>. Thresholds and leaf weights are stored in the precision ONNX Runtime
/// compares and sums in: for a float input the float32 value (a double <c>*_as_tensor</c> value is narrowed to float32
/// first, as the runtime does), for a double input the stored value, a float32 attribute widened exactly (casebook C01).
/// <c>nodes_hitrates</c> are never read: they are not covers.
/// </summary>
internal static class TreeEnsembleReader
{
    public const string MlDomain = "ai.onnx.ml";

    public static readonly string[] OpTypes = ["TreeEnsembleRegressor", "TreeEnsembleClassifier", "TreeEnsemble"];

    public static bool IsTreeEnsemble(NodeProto node) => node.Domain == MlDomain && OpTypes.Contains(node.OpType);

    /// <summary>Reads <paramref name="node"/>.</summary>
    /// <param name="node">The ensemble node.</param>
    /// <param name="featureCount">Width of the node's input, <c>[rows, featureCount]</c>.</param>
    /// <param name="doubleInput">Whether the input tensor is double (thresholds then keep double precision).</param>
    /// <exception cref="UnsupportedModelException">MIN/MAX aggregation, an unknown mode or transform, or inconsistent attributes.</exception>
    public static ParsedEnsemble Read(NodeProto node, int featureCount, bool doubleInput) => node.OpType switch
    {
        "TreeEnsemble" => ReadV5(node, featureCount, doubleInput),
        "TreeEnsembleRegressor" => ReadV3(node, featureCount, doubleInput, classifier: false),
        "TreeEnsembleClassifier" => ReadV3(node, featureCount, doubleInput, classifier: true),
        _ => throw new UnsupportedModelException($"node '{node.Name}' is a {node.OpType}, not a tree ensemble"),
    };

    private static double Narrow(double v, bool doubleInput) => doubleInput ? v : (float)v;

    private static ParsedEnsemble ReadV3(NodeProto node, int featureCount, bool doubleInput, bool classifier)
    {
        string where = $"{node.OpType} '{node.Name}'";
        string aggregate = OnnxAttributes.String(node, "aggregate_function") ?? "SUM";
        string post = OnnxAttributes.String(node, "post_transform") ?? "NONE";
        CheckAggregate(aggregate, where);

        var treeIds = OnnxAttributes.Ints(node, "nodes_treeids");
        var nodeIds = OnnxAttributes.Ints(node, "nodes_nodeids");
        var featureIds = OnnxAttributes.Ints(node, "nodes_featureids");
        var modes = OnnxAttributes.Strings(node, "nodes_modes");
        var trueIds = OnnxAttributes.Ints(node, "nodes_truenodeids");
        var falseIds = OnnxAttributes.Ints(node, "nodes_falsenodeids");
        var missing = OnnxAttributes.Ints(node, "nodes_missing_value_tracks_true");
        double[] values = OnnxAttributes.Tensor(node, "nodes_values_as_tensor") is { } vt
            ? OnnxAttributes.ToDoubles(vt)
            : OnnxAttributes.Floats(node, "nodes_values").Select(f => (double)f).ToArray();

        string prefix = classifier ? "class_" : "target_";
        var leafTrees = OnnxAttributes.Ints(node, prefix + "treeids");
        var leafNodes = OnnxAttributes.Ints(node, prefix + "nodeids");
        var leafIds = OnnxAttributes.Ints(node, prefix + "ids");
        double[] weights = OnnxAttributes.Tensor(node, prefix + "weights_as_tensor") is { } wt
            ? OnnxAttributes.ToDoubles(wt)
            : OnnxAttributes.Floats(node, prefix + "weights").Select(f => (double)f).ToArray();
        double[] baseValues = OnnxAttributes.Tensor(node, "base_values_as_tensor") is { } bt
            ? OnnxAttributes.ToDoubles(bt)
            : OnnxAttributes.Floats(node, "base_values").Select(f => (double)f).ToArray();

        int n = nodeIds.Length;
        if (treeIds.Length != n || featureIds.Length != n || modes.Length != n || trueIds.Length != n || falseIds.Length != n
            || (values.Length != n && n > 0) || (missing.Length != 0 && missing.Length != n))
        {
            throw new UnsupportedModelException($"{where}: the nodes_* attributes have different lengths (nodes_nodeids has {n})");
        }

        if (leafTrees.Length != leafIds.Length || leafNodes.Length != leafIds.Length || weights.Length != leafIds.Length)
        {
            throw new UnsupportedModelException($"{where}: the {prefix}* attributes have different lengths");
        }

        // Outputs: targets, or classes; a binary classifier with one class's weights explains the positive class only.
        string[] labels;
        int scoreWidth;
        bool binarySingle = false;
        if (classifier)
        {
            var strings = OnnxAttributes.Strings(node, "classlabels_strings");
            labels = strings.Length > 0
                ? strings
                : OnnxAttributes.Ints(node, "classlabels_int64s").Select(l => l.ToString(CultureInfo.InvariantCulture)).ToArray();
            scoreWidth = labels.Length;
            binarySingle = labels.Length == 2 && leafIds.Distinct().Count() == 1;
        }
        else
        {
            int targets = (int)(OnnxAttributes.Int(node, "n_targets") ?? (leafIds.Length == 0 ? 1 : leafIds.Max() + 1));
            labels = Enumerable.Range(0, targets).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            scoreWidth = targets;
        }

        if (labels.Length == 0)
        {
            throw new UnsupportedModelException($"{where}: no class labels and no targets");
        }

        int outputs = binarySingle ? 1 : labels.Length;
        var builder = new TreeEnsembleBuilder(featureCount, outputs);
        var index = new Dictionary<(long Tree, long Node), int>();
        var treeOrder = new List<long>();
        for (int i = 0; i < n; i++)
        {
            if (!index.TryAdd((treeIds[i], nodeIds[i]), builder.AddNode()))
            {
                throw new UnsupportedModelException($"{where}: node {nodeIds[i]} of tree {treeIds[i]} appears twice");
            }

            if (!treeOrder.Contains(treeIds[i]))
            {
                treeOrder.Add(treeIds[i]);
            }
        }

        var isChild = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var mode = ParseMode(modes[i], where);
            if (mode == NodeMode.Leaf)
            {
                continue;
            }

            int t = Child(index, treeIds[i], trueIds[i], where);
            int f = Child(index, treeIds[i], falseIds[i], where);
            isChild[t] = isChild[f] = true;
            CheckFeature(featureIds[i], featureCount, where);
            builder.SetBranch(i, (int)featureIds[i], mode, Narrow(values[i], doubleInput), t, f, missing.Length > 0 && missing[i] != 0);
        }

        foreach (long tree in treeOrder)
        {
            int root = -1;
            for (int i = 0; i < n; i++)
            {
                if (treeIds[i] == tree && !isChild[i])
                {
                    if (root >= 0)
                    {
                        throw new UnsupportedModelException($"{where}: tree {tree} has more than one root (nodes {nodeIds[root]} and {nodeIds[i]})");
                    }

                    root = i;
                }
            }

            if (root < 0)
            {
                throw new UnsupportedModelException($"{where}: tree {tree} has no root");
            }

            builder.AddRoot(root);
        }

        double divisor = aggregate == "AVERAGE" ? Math.Max(1, treeOrder.Count) : 1;
        for (int k = 0; k < leafIds.Length; k++)
        {
            if (!index.TryGetValue((leafTrees[k], leafNodes[k]), out int leaf))
            {
                throw new UnsupportedModelException($"{where}: a weight names node {leafNodes[k]} of tree {leafTrees[k]}, which does not exist");
            }

            int output = binarySingle ? 0 : (int)leafIds[k];
            if ((uint)output >= (uint)outputs)
            {
                throw new UnsupportedModelException($"{where}: {prefix}ids holds {leafIds[k]}, but there are {labels.Length} outputs");
            }

            builder.AddLeafValue(leaf, output, Narrow(weights[k], doubleInput) / divisor);
        }

        var bases = new double[outputs];
        if (binarySingle)
        {
            // One score column: ORT adds the single base value (or the positive class's one) to it.
            if (baseValues.Length > 0)
            {
                bases[0] = Narrow(baseValues[^1], doubleInput);
            }
        }
        else if (baseValues.Length == outputs)
        {
            for (int o = 0; o < outputs; o++)
            {
                bases[o] = Narrow(baseValues[o], doubleInput);
            }
        }
        else if (baseValues.Length != 0)
        {
            throw new UnsupportedModelException($"{where}: base_values has {baseValues.Length} entries, expected 0 or {outputs}");
        }

        var link = ParseTransform(post, where);
        if (binarySingle && link is not (LinkFunction.Identity or LinkFunction.Logistic))
        {
            throw new UnsupportedModelException(
                $"{where}: a binary classifier with one score column and post_transform={post} is not supported (NONE and LOGISTIC are)");
        }

        return new ParsedEnsemble(
            builder.Build(bases),
            link,
            binarySingle ? [labels[1]] : labels,
            node.Output.Count > 1 && classifier ? node.Output[1] : node.Output[0],
            binarySingle ? [1] : Enumerable.Range(0, outputs).ToArray(),
            scoreWidth,
            classifier,
            binarySingle);
    }

    private static ParsedEnsemble ReadV5(NodeProto node, int featureCount, bool doubleInput)
    {
        string where = $"TreeEnsemble '{node.Name}'";
        long aggregate = OnnxAttributes.Int(node, "aggregate_function") ?? 1;
        long post = OnnxAttributes.Int(node, "post_transform") ?? 0;
        string aggregateName = aggregate switch
        {
            0 => "AVERAGE",
            1 => "SUM",
            2 => "MIN",
            3 => "MAX",
            _ => throw new UnsupportedModelException($"{where}: aggregate_function={aggregate} is not one of 0 (AVERAGE), 1 (SUM), 2 (MIN), 3 (MAX)"),
        };
        CheckAggregate(aggregateName, where);

        // ONNX Runtime maps the integer through its own enum (NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT);
        // the runtime is the truth the explanation must match.
        var link = post switch
        {
            0 => LinkFunction.Identity,
            1 => LinkFunction.Logistic,
            2 => LinkFunction.Softmax,
            3 => LinkFunction.SoftmaxZero,
            4 => LinkFunction.Probit,
            _ => throw new UnsupportedModelException($"{where}: post_transform={post} is not one of 0..4"),
        };

        var roots = OnnxAttributes.Ints(node, "tree_roots");
        var featureIds = OnnxAttributes.Ints(node, "nodes_featureids");
        var modesTensor = OnnxAttributes.Tensor(node, "nodes_modes")
            ?? throw new UnsupportedModelException($"{where}: nodes_modes is missing");
        var modes = OnnxAttributes.ToLongs(modesTensor);
        var splits = OnnxAttributes.Tensor(node, "nodes_splits") is { } st ? OnnxAttributes.ToDoubles(st) : [];
        var trueIds = OnnxAttributes.Ints(node, "nodes_truenodeids");
        var falseIds = OnnxAttributes.Ints(node, "nodes_falsenodeids");
        var trueLeafs = OnnxAttributes.Ints(node, "nodes_trueleafs");
        var falseLeafs = OnnxAttributes.Ints(node, "nodes_falseleafs");
        var missing = OnnxAttributes.Ints(node, "nodes_missing_value_tracks_true");
        var members = OnnxAttributes.Tensor(node, "membership_values") is { } mt ? OnnxAttributes.ToDoubles(mt) : [];
        var leafTargets = OnnxAttributes.Ints(node, "leaf_targetids");
        var leafWeights = OnnxAttributes.Tensor(node, "leaf_weights") is { } lw ? OnnxAttributes.ToDoubles(lw) : [];
        int targets = (int)(OnnxAttributes.Int(node, "n_targets") ?? 1);

        int n = featureIds.Length;
        if (modes.Length != n || trueIds.Length != n || falseIds.Length != n || trueLeafs.Length != n || falseLeafs.Length != n
            || splits.Length != n || (missing.Length != 0 && missing.Length != n))
        {
            throw new UnsupportedModelException($"{where}: the nodes_* attributes have different lengths (nodes_featureids has {n})");
        }

        if (leafTargets.Length != leafWeights.Length)
        {
            throw new UnsupportedModelException($"{where}: leaf_targetids has {leafTargets.Length} entries, leaf_weights {leafWeights.Length}");
        }

        // membership_values holds one NaN-terminated set per BRANCH_MEMBER node, in node order.
        var sets = new double[n][];
        int cursor = 0;
        for (int i = 0; i < n; i++)
        {
            if (modes[i] != 6)
            {
                continue;
            }

            var set = new List<double>();
            while (cursor < members.Length && !double.IsNaN(members[cursor]))
            {
                set.Add(Narrow(members[cursor++], doubleInput));
            }

            cursor++;
            sets[i] = [.. set];
        }

        double divisor = aggregateName == "AVERAGE" ? Math.Max(1, roots.Length) : 1;
        var builder = new TreeEnsembleBuilder(featureCount, targets);
        var interior = new Dictionary<long, int>();
        var leaves = new Dictionary<long, int>();

        int AddLeaf(long id)
        {
            if (leaves.TryGetValue(id, out int existing))
            {
                throw new UnsupportedModelException($"{where}: leaf {id} is reached twice (node {existing})");
            }

            if ((ulong)id >= (ulong)leafWeights.Length)
            {
                throw new UnsupportedModelException($"{where}: leaf {id} is outside leaf_weights (length {leafWeights.Length})");
            }

            int node = builder.AddNode();
            leaves[id] = node;
            long target = leafTargets[id];
            if ((ulong)target >= (ulong)targets)
            {
                throw new UnsupportedModelException($"{where}: leaf_targetids holds {target}, but n_targets is {targets}");
            }

            builder.AddLeafValue(node, (int)target, Narrow(leafWeights[id], doubleInput) / divisor);
            return node;
        }

        int AddInterior(long id)
        {
            if ((ulong)id >= (ulong)n)
            {
                throw new UnsupportedModelException($"{where}: node {id} is outside the nodes_* attributes (length {n})");
            }

            if (interior.ContainsKey(id))
            {
                throw new UnsupportedModelException($"{where}: node {id} is reached twice");
            }

            int node = builder.AddNode();
            interior[id] = node;
            int t = trueLeafs[id] != 0 ? AddLeaf(trueIds[id]) : AddInterior(trueIds[id]);
            int f = falseLeafs[id] != 0 ? AddLeaf(falseIds[id]) : AddInterior(falseIds[id]);
            var mode = modes[id] switch
            {
                0 => NodeMode.BranchLeq,
                1 => NodeMode.BranchLt,
                2 => NodeMode.BranchGte,
                3 => NodeMode.BranchGt,
                4 => NodeMode.BranchEq,
                5 => NodeMode.BranchNeq,
                6 => NodeMode.BranchMember,
                _ => throw new UnsupportedModelException($"{where}: node {id} has mode {modes[id]}, not one of 0..6"),
            };
            CheckFeature(featureIds[id], featureCount, where);
            builder.SetBranch(node, (int)featureIds[id], mode, mode == NodeMode.BranchMember ? 0 : Narrow(splits[id], doubleInput), t, f,
                missing.Length > 0 && missing[id] != 0, mode == NodeMode.BranchMember ? sets[id] : null);
            return node;
        }

        foreach (long root in roots)
        {
            if ((ulong)root >= (ulong)n)
            {
                throw new UnsupportedModelException($"{where}: tree root {root} is outside the nodes_* attributes (length {n})");
            }

            // ONNX Runtime's convention for a single-leaf tree: a root whose true and false children are the same leaf.
            bool leafOnly = trueIds[root] == falseIds[root] && trueLeafs[root] != 0 && falseLeafs[root] != 0;
            builder.AddRoot(leafOnly ? AddLeaf(trueIds[root]) : AddInterior(root));
        }

        var labels = Enumerable.Range(0, targets).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new ParsedEnsemble(builder.Build(), link, labels, node.Output[0], Enumerable.Range(0, targets).ToArray(), targets, false, false);
    }

    private static void CheckAggregate(string aggregate, string where)
    {
        if (aggregate is "MIN" or "MAX")
        {
            throw new UnsupportedModelException(
                $"{where}: aggregate_function={aggregate}. TreeSHAP cannot explain MIN/MAX aggregation: the output is not a sum over trees. Use a black-box explainer.");
        }

        if (aggregate is not ("SUM" or "AVERAGE"))
        {
            throw new UnsupportedModelException($"{where}: aggregate_function='{aggregate}' is not one of SUM, AVERAGE, MIN, MAX");
        }
    }

    private static void CheckFeature(long feature, int featureCount, string where)
    {
        if (feature < 0 || feature >= featureCount)
        {
            throw new UnsupportedModelException($"{where}: a node splits on feature {feature}, but the input has {featureCount} columns");
        }
    }

    private static int Child(Dictionary<(long, long), int> index, long tree, long id, string where) =>
        index.TryGetValue((tree, id), out int c) ? c : throw new UnsupportedModelException($"{where}: tree {tree} refers to node {id}, which does not exist");

    private static NodeMode ParseMode(string mode, string where) => mode switch
    {
        "LEAF" => NodeMode.Leaf,
        "BRANCH_LEQ" => NodeMode.BranchLeq,
        "BRANCH_LT" => NodeMode.BranchLt,
        "BRANCH_GTE" => NodeMode.BranchGte,
        "BRANCH_GT" => NodeMode.BranchGt,
        "BRANCH_EQ" => NodeMode.BranchEq,
        "BRANCH_NEQ" => NodeMode.BranchNeq,
        _ => throw new UnsupportedModelException($"{where}: node mode '{mode}' is not one of LEAF, BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, BRANCH_NEQ"),
    };

    private static LinkFunction ParseTransform(string post, string where) => post switch
    {
        "NONE" => LinkFunction.Identity,
        "LOGISTIC" => LinkFunction.Logistic,
        "SOFTMAX" => LinkFunction.Softmax,
        "SOFTMAX_ZERO" => LinkFunction.SoftmaxZero,
        "PROBIT" => LinkFunction.Probit,
        _ => throw new UnsupportedModelException($"{where}: post_transform='{post}' is not one of NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT"),
    };
}
