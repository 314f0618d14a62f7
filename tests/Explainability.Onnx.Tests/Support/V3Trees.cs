using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Tests.Support;

/// <summary>
/// Collects ai.onnx.ml opset 1-3 tree attributes node by node. Node ids are per tree; branch thresholds are stored as
/// float <c>nodes_values</c> or, with <c>asTensor</c>, as the double tensor <c>nodes_values_as_tensor</c>.
/// </summary>
internal sealed class V3Trees
{
    private readonly List<long> _tree = [], _id = [], _feature = [], _true = [], _false = [], _missing = [];
    private readonly List<string> _mode = [];
    private readonly List<double> _value = [];
    private readonly List<long> _leafTree = [], _leafNode = [], _leafTarget = [];
    private readonly List<double> _weight = [];

    public V3Trees Branch(long tree, long id, long feature, string mode, double threshold, long yes, long no, bool nanYes = false)
    {
        _tree.Add(tree);
        _id.Add(id);
        _feature.Add(feature);
        _mode.Add(mode);
        _value.Add(threshold);
        _true.Add(yes);
        _false.Add(no);
        _missing.Add(nanYes ? 1 : 0);
        return this;
    }

    public V3Trees Leaf(long tree, long id, params (long Target, double Weight)[] weights)
    {
        _tree.Add(tree);
        _id.Add(id);
        _feature.Add(0);
        _mode.Add("LEAF");
        _value.Add(0);
        _true.Add(0);
        _false.Add(0);
        _missing.Add(0);
        foreach (var (target, w) in weights)
        {
            _leafTree.Add(tree);
            _leafNode.Add(id);
            _leafTarget.Add(target);
            _weight.Add(w);
        }

        return this;
    }

    /// <summary>A stump <c>x[feature] MODE t ? yes : no</c> as tree <paramref name="tree"/>.</summary>
    public V3Trees Stump(long tree, long feature, string mode, double threshold, double yes, double no, bool nanYes = false, long target = 0) =>
        Branch(tree, 0, feature, mode, threshold, 1, 2, nanYes).Leaf(tree, 1, (target, yes)).Leaf(tree, 2, (target, no));

    public List<AttributeProto> NodeAttributes(bool asTensor)
    {
        var list = new List<AttributeProto>
        {
            Graphs.Ints("nodes_treeids", [.. _tree]),
            Graphs.Ints("nodes_nodeids", [.. _id]),
            Graphs.Ints("nodes_featureids", [.. _feature]),
            Graphs.Strings("nodes_modes", [.. _mode]),
            Graphs.Ints("nodes_truenodeids", [.. _true]),
            Graphs.Ints("nodes_falsenodeids", [.. _false]),
            Graphs.Ints("nodes_missing_value_tracks_true", [.. _missing]),
            Graphs.Floats("nodes_hitrates", [.. _tree.Select(_ => 1.0)]),
            asTensor ? Graphs.Tensor("nodes_values_as_tensor", Graphs.DoubleTensor("", [.. _value])) : Graphs.Floats("nodes_values", [.. _value]),
        };
        return list;
    }

    public NodeProto Regressor(string input, string output, int targets = 1, bool asTensor = false, double[]? baseValues = null,
        string post = "NONE", string aggregate = "SUM")
    {
        var attrs = NodeAttributes(asTensor);
        attrs.Add(Graphs.Ints("target_treeids", [.. _leafTree]));
        attrs.Add(Graphs.Ints("target_nodeids", [.. _leafNode]));
        attrs.Add(Graphs.Ints("target_ids", [.. _leafTarget]));
        attrs.Add(asTensor ? Graphs.Tensor("target_weights_as_tensor", Graphs.DoubleTensor("", [.. _weight])) : Graphs.Floats("target_weights", [.. _weight]));
        attrs.Add(Graphs.Int("n_targets", targets));
        attrs.Add(Graphs.Str("post_transform", post));
        attrs.Add(Graphs.Str("aggregate_function", aggregate));
        if (baseValues is not null)
        {
            attrs.Add(asTensor ? Graphs.Tensor("base_values_as_tensor", Graphs.DoubleTensor("", baseValues)) : Graphs.Floats("base_values", baseValues));
        }

        return Graphs.MlNode("TreeEnsembleRegressor", [input], [output], [.. attrs]);
    }

    public NodeProto Classifier(string input, string label, string scores, long[]? intLabels = null, string[]? stringLabels = null,
        bool asTensor = false, double[]? baseValues = null, string post = "NONE")
    {
        var attrs = NodeAttributes(asTensor);
        attrs.Add(Graphs.Ints("class_treeids", [.. _leafTree]));
        attrs.Add(Graphs.Ints("class_nodeids", [.. _leafNode]));
        attrs.Add(Graphs.Ints("class_ids", [.. _leafTarget]));
        attrs.Add(asTensor ? Graphs.Tensor("class_weights_as_tensor", Graphs.DoubleTensor("", [.. _weight])) : Graphs.Floats("class_weights", [.. _weight]));
        attrs.Add(stringLabels is not null ? Graphs.Strings("classlabels_strings", stringLabels) : Graphs.Ints("classlabels_int64s", intLabels ?? [0, 1]));
        attrs.Add(Graphs.Str("post_transform", post));
        if (baseValues is not null)
        {
            attrs.Add(asTensor ? Graphs.Tensor("base_values_as_tensor", Graphs.DoubleTensor("", baseValues)) : Graphs.Floats("base_values", baseValues));
        }

        return Graphs.MlNode("TreeEnsembleClassifier", [input], [label, scores], [.. attrs]);
    }
}
