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

    /// <summary>
    /// Trials over maximum depths 1 to 10: a random ensemble of 1-5 trees over 1-11 columns with 1-3 outputs, reference
    /// rows drawn like <see cref="Row"/>, and on every other trial a random map of several columns to one player (as a
    /// one-hot encoded feature); <c>PlayerMap</c> is null when each column is its own player.
    /// </summary>
    public static IEnumerable<(int MaxDepth, int Trial, TreeEnsemble Ensemble, int Columns, int Outputs, double[] Reference, int[]? PlayerMap, int Players)> Trials(Random rng, int trialsPerDepth, int maxReferenceRows)
    {
        for (int maxDepth = 1; maxDepth <= 10; maxDepth++)
        {
            for (int trial = 0; trial < trialsPerDepth; trial++)
            {
                int m = rng.Next(1, 12), outputs = rng.Next(1, 4);
                var e = Create(rng, m, outputs, rng.Next(1, 6), maxDepth);
                var reference = Enumerable.Range(0, rng.Next(1, maxReferenceRows)).SelectMany(_ => Row(rng, m)).ToArray();
                int[]? player = null;
                int players = m;
                if (trial % 2 == 1)
                {
                    players = rng.Next(1, m + 1);
                    player = Enumerable.Range(0, m).Select(c => c < players ? c : rng.Next(players)).OrderBy(_ => rng.Next()).ToArray();
                    players = player.Max() + 1;
                }

                yield return (maxDepth, trial, e, m, outputs, reference, player, players);
            }
        }
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
