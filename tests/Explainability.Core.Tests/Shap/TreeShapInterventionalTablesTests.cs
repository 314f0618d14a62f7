using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Core.Tests.Shap;

/// <summary>The leaf-table paths of interventional TreeSHAP (dense and sparse) against its per-background-row recursion.</summary>
public class TreeShapInterventionalTablesTests
{
    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    [InlineData(44)]
    public void Leaf_tables_match_the_recursion_on_random_ensembles_of_depth_1_to_10_with_NaN_and_every_mode(int seed)
    {
        var rng = new Random(seed);
        foreach (var (maxDepth, trial, e, m, outputs, background, player, players) in RandomEnsembles.Trials(rng, trialsPerDepth: 6, maxReferenceRows: 40))
        {
            var tabled = new TreeShapInterventional(e, background, player, player is null ? -1 : players);
            var sparse = new TreeShapInterventional(e, background, player, player is null ? -1 : players, tableBudgetBytes: 0);
            var recursive = new TreeShapInterventional(e, background, player, player is null ? -1 : players, leafTables: false);
            Assert.Equal((e.TreeCount, e.TreeCount), (tabled.TabledTrees, tabled.DenseTrees));
            Assert.Equal((e.TreeCount, 0), (sparse.TabledTrees, sparse.DenseTrees));
            Assert.Equal(0, recursive.TabledTrees);
            AssertAgree(rng, tabled, recursive, m, players * outputs, $"dense, depth {maxDepth} trial {trial}");
            AssertAgree(rng, sparse, recursive, m, players * outputs, $"sparse, depth {maxDepth} trial {trial}");
        }
    }

    /// <summary>A budget that would hold some trees' dense tables but not all: every tree gets sparse ones (a mix was
    /// measured slower), and the sum is the same; a budget that holds them all makes every tree dense.</summary>
    [Fact]
    public void Dense_tables_for_every_tree_when_all_fit_the_budget_else_sparse_for_every_tree()
    {
        var rng = new Random(45);
        var e = RandomEnsembles.Create(rng, 6, 2, 8, 5);
        var background = Enumerable.Range(0, 25).SelectMany(_ => RandomEnsembles.Row(rng, 6)).ToArray();
        var full = new TreeShapInterventional(e, background);
        var partial = new TreeShapInterventional(e, background, tableBudgetBytes: full.TableBytes - 1);
        var exact = new TreeShapInterventional(e, background, tableBudgetBytes: full.TableBytes);
        var recursive = new TreeShapInterventional(e, background, leafTables: false);

        Assert.Equal((e.TreeCount, e.TreeCount), (full.TabledTrees, full.DenseTrees));
        Assert.Equal((e.TreeCount, 0, 0L), (partial.TabledTrees, partial.DenseTrees, partial.TableBytes));
        Assert.True(partial.SparseTableBytes > 0);
        Assert.Equal(e.TreeCount, exact.DenseTrees);
        AssertAgree(rng, partial, recursive, 6, 6 * 2, "partial");
    }

    /// <summary>
    /// One tree, two players, a background of two rows, worked by hand. Tree: x0 &lt;= 0.5 ? (x1 &lt;= 0.5 ? 10 : 20) : 30.
    /// Row x = (0, 1) reaches 20. Background z1 = (0, 0) reaches 10, z2 = (1, 1) reaches 30.
    /// Against z1: only x1 differs; v({}) = 10, v({1}) = 20: phi1 = 10, phi0 = 0.
    /// Against z2: only x0 differs on the path; hybrid (x0, z2_1) = (0, 1) reaches 20, (z2_0, x1) = (1, 1) reaches 30:
    /// v({}) = 30, v({0}) = 20, v({1}) = 30, v({0,1}) = 20: phi0 = -10, phi1 = 0.
    /// Mean: phi = (-5, 5); base value (10 + 30) / 2 = 20; 20 - 5 + 5 = 20 = f(x).
    /// </summary>
    [Fact]
    public void Hand_worked_two_player_tree()
    {
        var b = new TreeEnsembleBuilder(2);
        b.AddTree(TreeNodeSpec.Branch(0, NodeMode.BranchLeq, 0.5,
            TreeNodeSpec.Branch(1, NodeMode.BranchLeq, 0.5, TreeNodeSpec.Leaf(10), TreeNodeSpec.Leaf(20), false),
            TreeNodeSpec.Leaf(30), false));
        var explainer = new TreeShapInterventional(b.Build(), [0, 0, 1, 1]);
        var phi = new double[2];

        explainer.Explain([0, 1], phi, explainer.CreateWorkspace());

        Assert.Equal(1, explainer.TabledTrees);
        Assert.Equal(20, explainer.ExpectedValue[0], 12);
        Assert.Equal(-5, phi[0], 12);
        Assert.Equal(5, phi[1], 12);
    }

    private static void AssertAgree(Random rng, TreeShapInterventional a, TreeShapInterventional b, int columns, int length, string what)
    {
        Assert.Equal(b.ExpectedValue, a.ExpectedValue);
        var wsA = a.CreateWorkspace();
        var wsB = b.CreateWorkspace();
        var phi = new double[length];
        var expected = new double[length];
        for (int r = 0; r < 5; r++)
        {
            var x = RandomEnsembles.Row(rng, columns);
            a.Explain(x, phi, wsA);
            b.Explain(x, expected, wsB);
            for (int i = 0; i < phi.Length; i++)
            {
                Assert.True(Math.Abs(phi[i] - expected[i]) <= 1e-9, $"{what} row {r}: phi[{i}] = {phi[i]:R}, recursion {expected[i]:R}");
            }
        }
    }
}
