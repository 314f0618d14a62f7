using Explainability.Core.Trees;

namespace Explainability.Benchmarks;

/// <summary>The benchmarks' generated trees: complete binary trees of a given depth, splits <c>x[f] &lt;= t</c> on uniform
/// random features and thresholds in [0, 1), leaves uniform in [-0.5, 0.5), missing values sent either way at random.</summary>
internal static class GeneratedTrees
{
    /// <summary>A tree of <paramref name="depth"/> over <paramref name="features"/> features, drawn from <paramref name="rng"/>.</summary>
    public static TreeNodeSpec Node(Random rng, int depth, int features) => depth == 0
        ? TreeNodeSpec.Leaf(rng.NextDouble() - 0.5)
        : TreeNodeSpec.Branch(rng.Next(features), NodeMode.BranchLeq, rng.NextDouble(), Node(rng, depth - 1, features), Node(rng, depth - 1, features), rng.Next(2) == 0);

    /// <summary>An ensemble of <paramref name="trees"/> trees of <paramref name="depth"/> over <paramref name="features"/>
    /// features, drawn one after another from <paramref name="rng"/>.</summary>
    public static TreeEnsemble Ensemble(Random rng, int trees, int depth, int features)
    {
        var builder = new TreeEnsembleBuilder(features);
        for (int t = 0; t < trees; t++)
        {
            builder.AddTree(Node(rng, depth, features));
        }

        return builder.Build();
    }
}
