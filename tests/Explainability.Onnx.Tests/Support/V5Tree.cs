using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Tests.Support;

/// <summary>Collects ai.onnx.ml opset 5 TreeEnsemble attributes: interior nodes and leaves in separate lists.</summary>
internal sealed class V5Tree
{
    private readonly List<long> _roots = [], _feature = [], _true = [], _false = [], _trueLeaf = [], _falseLeaf = [], _missing = [];
    private readonly List<byte> _mode = [];
    private readonly List<double> _split = [], _members = [];
    private readonly List<long> _leafTarget = [];
    private readonly List<double> _leafWeight = [];

    public int Leaf(double weight, long target = 0)
    {
        _leafTarget.Add(target);
        _leafWeight.Add(weight);
        return _leafWeight.Count - 1;
    }

    /// <summary>Adds an interior node whose children are leaves or interior nodes (ids of the matching list).</summary>
    public int Node(long feature, byte mode, double split, int yes, bool yesIsLeaf, int no, bool noIsLeaf, bool nanYes = false, double[]? members = null)
    {
        _feature.Add(feature);
        _mode.Add(mode);
        _split.Add(split);
        _true.Add(yes);
        _false.Add(no);
        _trueLeaf.Add(yesIsLeaf ? 1 : 0);
        _falseLeaf.Add(noIsLeaf ? 1 : 0);
        _missing.Add(nanYes ? 1 : 0);
        if (members is not null)
        {
            _members.AddRange(members);
            _members.Add(double.NaN);
        }

        return _feature.Count - 1;
    }

    public V5Tree Root(int node)
    {
        _roots.Add(node);
        return this;
    }

    public NodeProto Build(string input, string output, int targets = 1, long aggregate = 1, long post = 0, bool isDouble = false)
    {
        TensorProto Values(string name, IEnumerable<double> v) => isDouble ? Graphs.DoubleTensor(name, [.. v]) : Graphs.FloatTensor(name, [.. v]);
        var attrs = new List<AttributeProto>
        {
            Graphs.Ints("tree_roots", [.. _roots]),
            Graphs.Ints("nodes_featureids", [.. _feature]),
            Graphs.Tensor("nodes_modes", Graphs.Uint8Tensor("", [.. _mode])),
            Graphs.Tensor("nodes_splits", Values("", _split)),
            Graphs.Ints("nodes_truenodeids", [.. _true]),
            Graphs.Ints("nodes_falsenodeids", [.. _false]),
            Graphs.Ints("nodes_trueleafs", [.. _trueLeaf]),
            Graphs.Ints("nodes_falseleafs", [.. _falseLeaf]),
            Graphs.Ints("nodes_missing_value_tracks_true", [.. _missing]),
            Graphs.Ints("leaf_targetids", [.. _leafTarget]),
            Graphs.Tensor("leaf_weights", Values("", _leafWeight)),
            Graphs.Int("n_targets", targets),
            Graphs.Int("aggregate_function", aggregate),
            Graphs.Int("post_transform", post),
        };
        if (_members.Count > 0)
        {
            attrs.Add(Graphs.Tensor("membership_values", Values("", _members)));
        }

        return Graphs.MlNode("TreeEnsemble", [input], [output], [.. attrs]);
    }
}
