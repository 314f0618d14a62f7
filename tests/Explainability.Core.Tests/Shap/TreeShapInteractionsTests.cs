using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Core.Trees;

namespace Explainability.Core.Tests.Shap;

public class TreeShapInteractionsTests
{
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    public void Interactions_match_bruteforce_Shapley_interaction_index_of_the_path_dependent_game(int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 25; trial++)
        {
            var (e, map, players) = SmallModel(rng, oneHotPlayers: trial % 2 == 1);
            int outputs = e.OutputCount;
            var prepared = TreeShapExplainer.Prepare(e, map, [], TreeShapMethod.PathDependent);
            var rows = Enumerable.Range(0, 4).Select(_ => RandomEnsembles.Row(rng, e.FeatureCount)).ToArray();
            var result = TreeShapInteractions.Compute(prepared, Names(outputs), rows.SelectMany(r => r).ToArray());
            for (int r = 0; r < rows.Length; r++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    var expected = BruteForce.ShapleyInteractions(players, s => BruteForce.PathDependent(e, rows[r], s, o, map.ColumnToFeature));
                    for (int j = 0; j < players; j++)
                    {
                        for (int i = 0; i < players; i++)
                        {
                            Assert.True(Math.Abs(expected[j, i] - result.Value(r, j, i, o)) < 1e-9,
                                $"trial {trial} row {r} output {o} Phi[{j},{i}]: brute force {expected[j, i]}, TreeSHAP {result.Value(r, j, i, o)}");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    public void Interaction_rows_sum_to_the_path_dependent_SHAP_values_and_are_symmetric(int seed)
    {
        var rng = new Random(seed);
        foreach (var t in RandomEnsembles.Trials(rng, trialsPerDepth: 3, maxReferenceRows: 40))
        {
            var e = t.Ensemble.WithCovers(CoverCounter.Count(t.Ensemble, t.Reference), "test");
            var map = new FeatureMap([.. Enumerable.Range(0, t.Players).Select(p => $"f{p}")], t.PlayerMap ?? [.. Enumerable.Range(0, t.Columns)]);
            var prepared = TreeShapExplainer.Prepare(e, map, [], TreeShapMethod.PathDependent);
            var rows = Enumerable.Range(0, 3).SelectMany(_ => RandomEnsembles.Row(rng, t.Columns)).ToArray();
            var explanation = TreeShapExplainer.Explain(prepared, LinkFunction.Identity, Names(t.Outputs), rows);
            var result = TreeShapInteractions.Compute(prepared, Names(t.Outputs), rows, degreeOfParallelism: 2);
            for (int r = 0; r < 3; r++)
            {
                for (int o = 0; o < t.Outputs; o++)
                {
                    for (int j = 0; j < t.Players; j++)
                    {
                        double sum = 0;
                        for (int i = 0; i < t.Players; i++)
                        {
                            sum += result.Value(r, j, i, o);
                            Assert.True(Math.Abs(result.Value(r, j, i, o) - result.Value(r, i, j, o)) < 1e-9,
                                $"depth {t.MaxDepth} trial {t.Trial}: Phi[{j},{i}] = {result.Value(r, j, i, o)}, Phi[{i},{j}] = {result.Value(r, i, j, o)}");
                        }

                        Assert.True(Math.Abs(sum - explanation.Phi(r, j, o)) < 1e-9,
                            $"depth {t.MaxDepth} trial {t.Trial} row {r} feature {j}: row sum {sum}, phi {explanation.Phi(r, j, o)}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Conditioning_on_the_top_features_gives_those_rows_of_the_full_matrix()
    {
        var rng = new Random(51);
        var e = RandomEnsembles.Create(rng, 6, 1, 8, 5);
        var reference = Enumerable.Range(0, 50).SelectMany(_ => RandomEnsembles.Row(rng, 6)).ToArray();
        var prepared = TreeShapExplainer.Prepare(e, FeatureMap.Identity([.. Enumerable.Range(0, 6).Select(f => $"f{f}")]), reference, TreeShapMethod.PathDependent);
        var rows = Enumerable.Range(0, 5).SelectMany(_ => RandomEnsembles.Row(rng, 6)).ToArray();
        var full = TreeShapInteractions.Compute(prepared, ["y"], rows);
        var top = TreeShapInteractions.Compute(prepared, ["y"], rows, [4, 1]);
        Assert.Equal([4, 1], top.Conditioned);
        for (int r = 0; r < 5; r++)
        {
            for (int i = 0; i < 6; i++)
            {
                Assert.Equal(full.Value(r, 4, i, 0), top.Value(r, 0, i, 0));
                Assert.Equal(full.Value(r, 1, i, 0), top.Value(r, 1, i, 0));
            }
        }
    }

    [Fact]
    public void Interventional_explainer_and_bad_conditioned_features_are_refused_naming_them()
    {
        var rng = new Random(61);
        var e = RandomEnsembles.Create(rng, 3, 1, 2, 3);
        var background = Enumerable.Range(0, 5).SelectMany(_ => RandomEnsembles.Row(rng, 3)).ToArray();
        var map = FeatureMap.Identity(["a", "b", "c"]);
        var interventional = TreeShapExplainer.Prepare(e, map, background, TreeShapMethod.Interventional);
        var error = Assert.Throws<ArgumentException>(() => TreeShapInteractions.Compute(interventional, ["y"], background));
        Assert.Contains("interventional", error.Message, StringComparison.Ordinal);
        var pathDependent = TreeShapExplainer.Prepare(e, map, background, TreeShapMethod.PathDependent);
        Assert.Contains("3 is outside 0..2", Assert.Throws<ArgumentException>(() => TreeShapInteractions.Compute(pathDependent, ["y"], background, [3])).Message, StringComparison.Ordinal);
        Assert.Contains("repeat", Assert.Throws<ArgumentException>(() => TreeShapInteractions.Compute(pathDependent, ["y"], background, [1, 1])).Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> Names(int outputs) => [.. Enumerable.Range(0, outputs).Select(o => $"y{o}")];

    /// <summary>A random ensemble of at most 5 players with covers; with <paramref name="oneHotPlayers"/> several columns form one player.</summary>
    private static (TreeEnsemble Ensemble, FeatureMap Map, int Players) SmallModel(Random rng, bool oneHotPlayers)
    {
        int m = rng.Next(2, 7), outputs = rng.Next(1, 3);
        var e = RandomEnsembles.Create(rng, m, outputs, rng.Next(1, 5), rng.Next(1, 6));
        var reference = Enumerable.Range(0, rng.Next(1, 30)).SelectMany(_ => RandomEnsembles.Row(rng, m)).ToArray();
        e = e.WithCovers(CoverCounter.Count(e, reference), "test");
        int players = Math.Min(m, 5);
        var player = Enumerable.Range(0, m).Select(c => c < players ? c : rng.Next(players)).ToArray();
        if (oneHotPlayers)
        {
            players = rng.Next(2, players + 1);
            player = [.. Enumerable.Range(0, m).Select(c => c < players ? c : rng.Next(players)).OrderBy(_ => rng.Next())];
        }

        return (e, new FeatureMap([.. Enumerable.Range(0, players).Select(p => $"f{p}")], player), players);
    }
}
