using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>Maps the split columns of a tree ensemble to the players of the Shapley game.</summary>
internal static class Players
{
    /// <summary>The player of each node's split column, <c>[nodes]</c>, and the player count.</summary>
    /// <exception cref="ArgumentException">The map has the wrong length or a player outside <c>0..playerCount-1</c>.</exception>
    public static (int[] NodePlayer, int PlayerCount) PerNode(TreeEnsemble ensemble, int[]? columnToPlayer, int playerCount)
    {
        if (columnToPlayer is null)
        {
            return (ensemble.Feature, ensemble.FeatureCount);
        }

        if (columnToPlayer.Length != ensemble.FeatureCount)
        {
            throw new ArgumentException($"the player map has {columnToPlayer.Length} columns, the ensemble {ensemble.FeatureCount}", nameof(columnToPlayer));
        }

        foreach (int p in columnToPlayer)
        {
            if ((uint)p >= (uint)playerCount)
            {
                throw new ArgumentException($"a column maps to player {p}, outside 0..{playerCount - 1}", nameof(columnToPlayer));
            }
        }

        var nodePlayer = new int[ensemble.NodeCount];
        for (int n = 0; n < nodePlayer.Length; n++)
        {
            nodePlayer[n] = ensemble.Mode[n] == NodeMode.Leaf ? 0 : columnToPlayer[ensemble.Feature[n]];
        }

        return (nodePlayer, playerCount);
    }
}
