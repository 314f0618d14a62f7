using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Core.Tests.Shap;

public class TreeShapBruteForceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void PathDependent_matches_bruteforce_on_random_trees_with_every_mode_and_NaN(int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var (e, m, _) = RandomModel(rng);
            var reference = Enumerable.Range(0, rng.Next(1, 30)).SelectMany(_ => RandomEnsembles.Row(rng, m)).ToArray();
            e = e.WithCovers(CoverCounter.Count(e, reference), "test");
            var explainer = new TreeShapPathDependent(e);
            var ws = explainer.CreateWorkspace();
            AssertMatchesBruteForce(rng, e, m, explainer.ExpectedValue, (x, phi) => explainer.Explain(x, phi, ws), (x, s, o) => BruteForce.PathDependent(e, x, s, o));
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void Interventional_matches_bruteforce_on_random_trees_with_every_mode_and_NaN(int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var (e, m, _) = RandomModel(rng);
            var background = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => RandomEnsembles.Row(rng, m)).ToArray();
            // Dense leaf tables (the default budget), sparse ones (no budget) and the recursion, each against brute force.
            foreach (var explainer in new[]
            {
                new TreeShapInterventional(e, background.SelectMany(b => b).ToArray()),
                new TreeShapInterventional(e, background.SelectMany(b => b).ToArray(), tableBudgetBytes: 0),
                new TreeShapInterventional(e, background.SelectMany(b => b).ToArray(), leafTables: false),
            })
            {
                var ws = explainer.CreateWorkspace();
                AssertMatchesBruteForce(rng, e, m, explainer.ExpectedValue, (x, phi) => explainer.Explain(x, phi, ws), (x, s, o) => BruteForce.Interventional(e, x, background, s, o));
            }
        }
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void Both_methods_match_bruteforce_when_several_columns_form_one_player(int seed)
    {
        // A one-hot encoded raw feature is several columns but one player: its columns come from x or b together.
        var rng = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var (e, m, _) = RandomModel(rng);
            int players = rng.Next(1, m + 1);
            var player = Enumerable.Range(0, m).Select(c => c < players ? c : rng.Next(players)).OrderBy(_ => rng.Next()).ToArray();
            players = player.Max() + 1;
            var background = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => RandomEnsembles.Row(rng, m)).ToArray();
            var flat = background.SelectMany(b => b).ToArray();
            var iv = new TreeShapInterventional(e, flat, player, players);
            var ivWs = iv.CreateWorkspace();
            AssertMatchesBruteForce(rng, e, players, iv.ExpectedValue, (x, phi) => iv.Explain(x, phi, ivWs), (x, s, o) => BruteForce.Interventional(e, x, background, s, o, player));
            var withCovers = e.WithCovers(CoverCounter.Count(e, flat), "test");
            var pd = new TreeShapPathDependent(withCovers, player, players);
            var pdWs = pd.CreateWorkspace();
            AssertMatchesBruteForce(rng, withCovers, players, pd.ExpectedValue, (x, phi) => pd.Explain(x, phi, pdWs), (x, s, o) => BruteForce.PathDependent(withCovers, x, s, o, player));
        }
    }

    private static (TreeEnsemble Ensemble, int Features, int Outputs) RandomModel(Random rng)
    {
        int m = rng.Next(1, 7), outputs = rng.Next(1, 3);
        return (RandomEnsembles.Create(rng, m, outputs, rng.Next(1, 5), rng.Next(0, 6)), m, outputs);
    }

    /// <summary>For 5 random rows: phi equals the brute-force Shapley values of <paramref name="value"/>, the base equals v(empty set), and base + sum(phi) equals the margin, all to 1e-9.</summary>
    private static void AssertMatchesBruteForce(Random rng, TreeEnsemble e, int m, double[] expectedValue, Action<double[], double[]> explain, Func<double[], int, int, double> value)
    {
        int outputs = e.OutputCount;
        for (int r = 0; r < 5; r++)
        {
            var x = RandomEnsembles.Row(rng, e.FeatureCount);
            var phi = new double[m * outputs];
            explain(x, phi);
            var margin = new double[outputs];
            e.Evaluate(x, margin);
            for (int o = 0; o < outputs; o++)
            {
                var expected = BruteForce.Shapley(m, s => value(x, s, o));
                for (int f = 0; f < m; f++)
                {
                    Assert.Equal(expected[f], phi[(f * outputs) + o], 1e-9);
                }

                Assert.Equal(value(x, 0, o), expectedValue[o], 1e-9);
                double sum = expectedValue[o] + Enumerable.Range(0, m).Sum(f => phi[(f * outputs) + o]);
                Assert.Equal(margin[o], sum, 1e-9);
            }
        }
    }

    [Fact]
    public void PathDependent_gives_no_NaN_when_the_row_reaches_nodes_no_reference_row_reached()
    {
        // x[0] <= 0 ? (x[1] <= 0 ? 1 : 2) : 3; the reference rows all go right at the root, so the left subtree has cover 0.
        var b = new TreeEnsembleBuilder(2);
        b.AddTree(TreeNodeSpec.Branch(0, NodeMode.BranchLeq, 0,
            TreeNodeSpec.Branch(1, NodeMode.BranchLeq, 0, TreeNodeSpec.Leaf(1), TreeNodeSpec.Leaf(2)),
            TreeNodeSpec.Leaf(3)));
        var e = b.Build();
        e = e.WithCovers(CoverCounter.Count(e, [1, 1, 2, 2]), "test");
        var explainer = new TreeShapPathDependent(e);
        var phi = new double[2];
        explainer.Explain([-1, -1], phi, explainer.CreateWorkspace());

        // Base = 3 (all cover goes right). v({0}) = E[left subtree] = even split = 1.5; v({1}) = 3; v({0,1}) = 1.
        // phi0 = 1/2[(1.5 - 3) + (1 - 3)] = -1.75; phi1 = 1/2[(3 - 3) + (1 - 1.5)] = -0.25.
        Assert.Equal(3.0, explainer.ExpectedValue[0], 12);
        Assert.Equal(-1.75, phi[0], 12);
        Assert.Equal(-0.25, phi[1], 12);
    }
}
