using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Core.Tests.Shap;

public class TreeShapPathDependentOptimizedTests
{
    [Theory]
    [InlineData(31, true)]
    [InlineData(32, true)]
    [InlineData(33, true)]
    [InlineData(34, true)]
    [InlineData(31, false)]
    [InlineData(32, false)]
    [InlineData(33, false)]
    [InlineData(34, false)]
    public void PathDependent_matches_the_reference_implementation_on_random_ensembles_of_depth_1_to_10_with_NaN_and_every_mode(int seed, bool tables)
    {
        var rng = new Random(seed);

        // Few reference rows leave many nodes with cover 0, so the even-split rule is exercised too.
        foreach (var (maxDepth, trial, ensemble, m, outputs, reference, player, players) in RandomEnsembles.Trials(rng, trialsPerDepth: 6, maxReferenceRows: 40))
        {
            var e = ensemble.WithCovers(CoverCounter.Count(ensemble, reference), "test");
            // With tables: Fast TreeSHAP v2 (every trial here fits the default budget); without: the recursion.
            var optimized = new TreeShapPathDependent(e, player, player is null ? -1 : players, tables ? TreeShapPathDependent.DefaultMaxTableEntries : 0);
            Assert.Equal(tables, optimized.TableEntries > 0);
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

    [Fact]
    public void A_path_of_more_distinct_players_than_a_table_takes_or_tables_beyond_the_budget_fall_back_to_the_recursion_with_the_same_values()
    {
        // A chain of 15 splits on 15 different columns: its deepest leaves have 15 path players, one more than a table
        // holds (2^14 doubles); a second, shallow tree would fit alone.
        const int Columns = 15;
        var chain = TreeNodeSpec.Leaf(3.5);
        for (int f = Columns - 1; f >= 0; f--)
        {
            chain = TreeNodeSpec.Branch(f, NodeMode.BranchLeq, 0.5, chain, TreeNodeSpec.Leaf(f - 7.25));
        }

        var builder = new TreeEnsembleBuilder(Columns);
        builder.AddTree(chain);
        builder.AddTree(TreeNodeSpec.Branch(2, NodeMode.BranchLeq, 0.5, TreeNodeSpec.Leaf(1), TreeNodeSpec.Leaf(-1)));
        var ensemble = builder.Build([0.0]);
        var rng = new Random(35);
        var rows = Enumerable.Range(0, 400).SelectMany(_ => Enumerable.Range(0, Columns).Select(_ => rng.NextDouble() < 0.8 ? 0.0 : 1.0)).ToArray();
        var e = ensemble.WithCovers(CoverCounter.Count(ensemble, rows), "test");
        var deep = new TreeShapPathDependent(e);
        Assert.Equal(0, deep.TableEntries);

        var onlyShallow = new TreeEnsembleBuilder(Columns);
        onlyShallow.AddTree(TreeNodeSpec.Branch(2, NodeMode.BranchLeq, 0.5, TreeNodeSpec.Leaf(1), TreeNodeSpec.Leaf(-1)));
        var small = onlyShallow.Build([0.0]);
        var smallWithCovers = small.WithCovers(CoverCounter.Count(small, rows), "test");
        Assert.Equal(4, new TreeShapPathDependent(smallWithCovers).TableEntries); // two leaves, one path player: 2 x 2^1
        Assert.Equal(0, new TreeShapPathDependent(smallWithCovers, maxTableEntries: 3).TableEntries);

        var reference = new TreeShapPathDependentReference(e, null, -1);
        var phi = new double[Columns];
        var expected = new double[Columns];
        for (int r = 0; r < 20; r++)
        {
            var x = rows.AsSpan(r * Columns, Columns);
            deep.Explain(x, phi, deep.CreateWorkspace());
            reference.Explain(x, expected, reference.CreateWorkspace());
            for (int i = 0; i < Columns; i++)
            {
                Assert.True(Math.Abs(phi[i] - expected[i]) <= 1e-9, $"row {r}: phi[{i}] = {phi[i]:R}, reference {expected[i]:R}");
            }
        }
    }
}
