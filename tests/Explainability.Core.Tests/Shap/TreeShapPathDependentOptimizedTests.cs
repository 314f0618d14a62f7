using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Core.Tests.Shap;

public class TreeShapPathDependentOptimizedTests
{
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    public void PathDependent_matches_the_reference_implementation_on_random_ensembles_of_depth_1_to_10_with_NaN_and_every_mode(int seed)
    {
        var rng = new Random(seed);
        for (int maxDepth = 1; maxDepth <= 10; maxDepth++)
        {
            for (int trial = 0; trial < 6; trial++)
            {
                int m = rng.Next(1, 12), outputs = rng.Next(1, 4);
                var e = RandomEnsembles.Create(rng, m, outputs, rng.Next(1, 6), maxDepth);

                // Few reference rows leave many nodes with cover 0, so the even-split rule is exercised too.
                var reference = Enumerable.Range(0, rng.Next(1, 40)).SelectMany(_ => RandomEnsembles.Row(rng, m)).ToArray();
                e = e.WithCovers(CoverCounter.Count(e, reference), "test");
                int[]? player = null;
                int players = m;
                if (trial % 2 == 1)
                {
                    players = rng.Next(1, m + 1);
                    player = Enumerable.Range(0, m).Select(c => c < players ? c : rng.Next(players)).OrderBy(_ => rng.Next()).ToArray();
                    players = player.Max() + 1;
                }

                var optimized = new TreeShapPathDependent(e, player, player is null ? -1 : players);
                var referenceExplainer = new TreeShapPathDependentReference(e, player, player is null ? -1 : players);
                Assert.Equal(referenceExplainer.ExpectedValue, optimized.ExpectedValue);
                var ws = optimized.CreateWorkspace();
                var refWs = referenceExplainer.CreateWorkspace();
                var phi = new double[players * outputs];
                var expected = new double[players * outputs];
                for (int r = 0; r < 5; r++)
                {
                    var x = RandomEnsembles.Row(rng, m);
                    optimized.Explain(x, phi, ws);
                    referenceExplainer.Explain(x, expected, refWs);
                    for (int i = 0; i < phi.Length; i++)
                    {
                        Assert.True(Math.Abs(phi[i] - expected[i]) <= 1e-9,
                            $"depth {maxDepth} trial {trial} row {r}: phi[{i}] = {phi[i]:R}, reference {expected[i]:R}");
                    }
                }
            }
        }
    }
}
