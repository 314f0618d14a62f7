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

        // Few reference rows leave many nodes with cover 0, so the even-split rule is exercised too.
        foreach (var (maxDepth, trial, ensemble, m, outputs, reference, player, players) in RandomEnsembles.Trials(rng, trialsPerDepth: 6, maxReferenceRows: 40))
        {
            var e = ensemble.WithCovers(CoverCounter.Count(ensemble, reference), "test");
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
