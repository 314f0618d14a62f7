using System.Text.Json;
using Explainability.Core.Trees;

namespace Explainability.Benchmarks.LightGbm;

/// <summary>
/// Reads LightGBM's JSON model dump (<c>LGBM_BoosterDumpModel</c>) into a <see cref="TreeEnsemble"/> with the node
/// data counts (<c>internal_count</c>, <c>leaf_count</c>) as covers, which is what LightGBM's own TreeSHAP uses.
/// A model reader is I/O, so it lives beside the benchmark that needs it rather than in Core.
/// </summary>
/// <remarks>
/// LightGBM's numerical split (<c>decision_type "&lt;="</c>) goes left when <c>x &lt;= threshold</c>. Missing values
/// (<c>tree.h</c>, <c>NumericalDecision</c>): with <c>missing_type "NaN"</c> a NaN goes to the <c>default_left</c> side;
/// otherwise a NaN is first turned into 0.0, so it goes where 0.0 goes; with <c>missing_type "Zero"</c> a zero
/// (and so a NaN) goes to the <c>default_left</c> side. A "Zero" split whose default side disagrees with where
/// <c>0 &lt;= threshold</c> sends 0.0 cannot be expressed by one comparison and is refused.
/// Categorical splits (<c>"=="</c>) are refused. With <c>num_tree_per_iteration</c> K &gt; 1 tree t adds to output t mod K.
/// </remarks>
internal static class LightGbmDumpReader
{
    /// <summary>Parses <paramref name="json"/> into an ensemble over <c>max_feature_idx + 1</c> columns.</summary>
    /// <exception cref="NotSupportedException">A split the ensemble structure cannot express (categorical, Zero-missing against the threshold).</exception>
    /// <exception cref="FormatException">A field is missing or has the wrong type.</exception>
    public static TreeEnsemble Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var model = document.RootElement;
        int features = model.GetProperty("max_feature_idx").GetInt32() + 1;
        int outputs = model.GetProperty("num_tree_per_iteration").GetInt32();
        if (model.TryGetProperty("average_output", out var average) && average.GetBoolean())
        {
            throw new NotSupportedException("average_output=true (random forest mode) is not read");
        }

        var builder = new TreeEnsembleBuilder(features, outputs);
        int t = 0;
        foreach (var tree in model.GetProperty("tree_info").EnumerateArray())
        {
            int root = Add(builder, tree.GetProperty("tree_structure"), t % outputs, t);
            builder.AddRoot(root);
            t++;
        }

        var ensemble = builder.Build();
        return ensemble.WithCovers(ensemble.Covers!, "lightgbm_dump_counts");
    }

    private static int Add(TreeEnsembleBuilder builder, JsonElement node, int output, int tree)
    {
        int index = builder.AddNode();
        if (node.TryGetProperty("leaf_value", out var leafValue))
        {
            builder.AddLeafValue(index, output, leafValue.GetDouble());

            // A single-leaf tree is dumped as {"leaf_value": v} alone; its cover only has to be positive.
            builder.SetCover(index, node.TryGetProperty("leaf_count", out var count) ? count.GetDouble() : 1);
            return index;
        }

        string decision = node.GetProperty("decision_type").GetString()!;
        if (decision != "<=")
        {
            throw new NotSupportedException($"tree {tree}: decision_type \"{decision}\" (categorical split) is not read");
        }

        int feature = node.GetProperty("split_feature").GetInt32();
        double threshold = node.GetProperty("threshold").GetDouble();
        bool defaultLeft = node.GetProperty("default_left").GetBoolean();
        string missing = node.GetProperty("missing_type").GetString()!;
        bool nanLeft = missing switch
        {
            "NaN" => defaultLeft,
            "None" => 0 <= threshold,
            "Zero" when defaultLeft == (0 <= threshold) => defaultLeft,
            "Zero" => throw new NotSupportedException(
                $"tree {tree}: missing_type Zero with default_left={defaultLeft} but 0 <= {threshold} is {0 <= threshold}: zeros cannot be routed by one comparison"),
            _ => throw new FormatException($"tree {tree}: unknown missing_type \"{missing}\", expected None, Zero or NaN"),
        };

        builder.SetCover(index, node.GetProperty("internal_count").GetDouble());
        int left = Add(builder, node.GetProperty("left_child"), output, tree);
        int right = Add(builder, node.GetProperty("right_child"), output, tree);
        builder.SetBranch(index, feature, NodeMode.BranchLeq, threshold, left, right, nanLeft);
        return index;
    }
}
