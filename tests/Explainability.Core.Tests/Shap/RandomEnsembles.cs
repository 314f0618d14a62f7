using Explainability.Core.Trees;

namespace Explainability.Core.Tests.Shap;

/// <summary>Random small tree ensembles over a small value grid, so that every node mode, NaN and set membership are hit.</summary>
internal static class RandomEnsembles
{
    public static readonly double[] Grid = [-1, 0, 0.5, 1, 2];

    public static TreeEnsemble Create(Random rng, int features, int outputs, int trees, int maxDepth)
    {
        var b = new TreeEnsembleBuilder(features, outputs);
        for (int t = 0; t < trees; t++)
        {
            b.AddTree(Node(rng, features, outputs, rng.Next(0, maxDepth + 1)));
        }

        var baseValues = Enumerable.Range(0, outputs).Select(_ => Math.Round(rng.NextDouble() - 0.5, 3)).ToArray();
        return b.Build(baseValues);
    }

    /// <summary>A random row over the grid with some NaN.</summary>
    public static double[] Row(Random rng, int features) =>
        Enumerable.Range(0, features).Select(_ => rng.NextDouble() < 0.15 ? double.NaN : Grid[rng.Next(Grid.Length)]).ToArray();

    private static TreeNodeSpec Node(Random rng, int features, int outputs, int depth)
    {
        if (depth <= 0)
        {
            return TreeNodeSpec.Leaf(Enumerable.Range(0, outputs).Select(_ => Math.Round((rng.NextDouble() * 4) - 2, 3)).ToArray());
        }

        int f = rng.Next(features);
        bool nan = rng.Next(2) == 0;
        var yes = Node(rng, features, outputs, depth - 1 - rng.Next(0, 2));
        var no = Node(rng, features, outputs, depth - 1 - rng.Next(0, 2));
        var mode = (NodeMode)rng.Next(1, 8);
        if (mode == NodeMode.BranchMember)
        {
            var set = Grid.Where(_ => rng.Next(2) == 0).ToArray();
            return TreeNodeSpec.Member(f, set, yes, no, nan);
        }

        return TreeNodeSpec.Branch(f, mode, Grid[rng.Next(Grid.Length)] + (rng.Next(3) == 0 ? 0.25 : 0), yes, no, nan);
    }
}
