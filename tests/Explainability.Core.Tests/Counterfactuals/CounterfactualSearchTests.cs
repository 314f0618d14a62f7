using Explainability.Core.Counterfactuals;
using Explainability.Core.Tests.Shap;

namespace Explainability.Core.Tests.Counterfactuals;

public sealed class CounterfactualSearchTests
{
    // p(declined) = sigmoid(3 - x0 - 2 x1); x2 is ignored. Declined while p >= 0.5, i.e. while x0 + 2 x1 <= 3.
    private static FuncModel Model() => FuncModel.Scalar(3, x => FuncModel.Sigmoid(3 - x[0] - (2 * x[1])));

    private static readonly double[] Case = [0, 0.5, 0];

    [Fact]
    public void Hand_worked_pair_is_the_cheapest_flipping_combination_and_a_score_exactly_at_the_threshold_does_not_flip()
    {
        // Alone: x0 = 2 gives 2 + 1 = 3, p = sigmoid(0) = 0.5 exactly, still declined; x1 = 1.5 gives 0 + 3 = 3, the same.
        // Pairs by cost: (x0=1,x2) .11, (x0=2,x2) .21, (x1=1,x2) .26, (x0=1,x1=1) .35 -> 3 no, (x0=2,x1=1) .45 -> 4 flips.
        CounterfactualCandidate[] candidates =
        [
            new(0, 1, 0.1), new(0, 2, 0.2),
            new(1, 1, 0.25), new(1, 1.5, 0.5),
            new(2, 5, 0.01),
            new(1, 0.5, 0), // the case's own value: skipped
        ];
        var model = Model();

        var result = CounterfactualSearch.Search(model, Case, 0, 0.5, candidates, new CounterfactualSearchOptions { BatchSize = 2 });

        var only = Assert.Single(result.Found);
        Assert.Equal([(0, 2.0), (1, 1.0)], only.Changes.Select(c => (c.Feature, c.Value)));
        Assert.Equal(0.45, only.Cost, 12);
        Assert.Equal(1 / (1 + Math.Exp(1)), only.Score, 15);
        Assert.Equal(FuncModel.Sigmoid(2), result.OriginalScore, 15);
        Assert.False(result.BudgetExhausted);
        // 1 original + 5 singles + pairs in batches of 2: [.11 .21] [.26 .35] [.45 .51]; .6 and .7 are (x0, x1) again, not sent.
        Assert.Equal(12, result.Evaluations);
        Assert.Equal(12, model.Rows);
        Assert.Equal(2, model.LargestCall);
    }

    [Fact]
    public void A_single_change_that_flips_wins_and_only_pairs_cheaper_than_it_are_tried()
    {
        // x0 = 3: 3 + 1 = 4 > 3 flips (p = sigmoid(-1)); x0 = 2 does not. x1 and x2 never flip, alone or together.
        CounterfactualCandidate[] candidates = [new(0, 3, 0.3), new(0, 2, 0.2), new(1, 1, 0.25), new(2, 5, 0.01)];

        var result = CounterfactualSearch.Search(Model(), Case, 0, 0.5, candidates);

        var only = Assert.Single(result.Found);
        Assert.Equal([(0, 3.0)], only.Changes.Select(c => (c.Feature, c.Value)));
        Assert.Equal(0.3, only.Cost);
        // 1 + 4 singles + the pairs cheaper than the flipping single (.3): (x0=2, x2) .21 (p = 0.5 exactly: no flip) and
        // (x1=1, x2) .26; (x0=2, x1=1) .45 costs more than x0 = 3 alone and is not sent.
        Assert.Equal(7, result.Evaluations);
    }

    /// <summary>Two small changes that flip together are cheaper than the one large change that flips alone: both are
    /// found, the pair first.</summary>
    [Fact]
    public void A_pair_cheaper_than_the_only_flipping_single_change_is_found_and_ranked_first()
    {
        // x0 = 4 alone: 4 + 1 = 5 > 3 flips, cost .9. x0 = 1.5 (2.5) and x1 = 1.2 (2.4) do not; together 1.5 + 2.4 = 3.9 flips, cost .4.
        CounterfactualCandidate[] candidates = [new(0, 4, 0.9), new(0, 1.5, 0.2), new(1, 1.2, 0.2)];

        var result = CounterfactualSearch.Search(Model(), Case, 0, 0.5, candidates);

        Assert.Equal(
            [[(0, 1.5), (1, 1.2)], [(0, 4.0)]],
            result.Found.Select(c => c.Changes.Select(x => (x.Feature, x.Value)).ToArray()).ToArray());
        Assert.Equal([0.4, 0.9], result.Found.Select(c => Math.Round(c.Cost, 12)));
        Assert.True(result.Found.All(c => c.Score < 0.5));
    }

    [Fact]
    public void Budget_cut_before_the_flipping_pair_reports_none_found_and_exhausted()
    {
        CounterfactualCandidate[] candidates = [new(0, 1, 0.1), new(0, 2, 0.2), new(1, 1, 0.25), new(1, 1.5, 0.5), new(2, 5, 0.01)];

        var result = CounterfactualSearch.Search(Model(), Case, 0, 0.5, candidates, new CounterfactualSearchOptions { MaxEvaluations = 10, BatchSize = 2 });

        Assert.Empty(result.Found);
        Assert.True(result.BudgetExhausted);
        Assert.Equal(10, result.Evaluations);
    }

    [Fact]
    public void Accepted_case_searches_toward_decline_the_same_way_and_is_deterministic()
    {
        // x0 + 2 x1 = 4: accepted (p = sigmoid(-1)); lowering x0 to 1 gives 3, p = 0.5, declined at the threshold.
        double[] accepted = [2, 1, 0];
        CounterfactualCandidate[] candidates = [new(0, 1.5, 0.1), new(0, 1, 0.2), new(1, 0.9, 0.05)];

        var first = CounterfactualSearch.Search(Model(), accepted, 0, 0.5, candidates);
        var second = CounterfactualSearch.Search(Model(), accepted, 0, 0.5, candidates);

        var only = Assert.Single(first.Found);
        Assert.Equal([(0, 1.0)], only.Changes.Select(c => (c.Feature, c.Value)));
        Assert.Equal(0.5, only.Score);
        Assert.Equal(first.Found.Select(f => (f.Cost, f.Score)), second.Found.Select(f => (f.Cost, f.Score)));
    }

    [Fact]
    public void Bad_arguments_are_refused_naming_the_problem()
    {
        var model = Model();
        Assert.Contains("takes 3", Assert.Throws<ArgumentException>(() => CounterfactualSearch.Search(model, new double[2], 0, 0.5, [])).Message);
        Assert.Contains("feature 7", Assert.Throws<ArgumentException>(() => CounterfactualSearch.Search(model, Case, 0, 0.5, [new(7, 1, 0)])).Message);
        Assert.Contains("cost -1", Assert.Throws<ArgumentException>(() => CounterfactualSearch.Search(model, Case, 0, 0.5, [new(0, 1, -1)])).Message);
        Assert.Contains("output 1", Assert.Throws<ArgumentException>(() => CounterfactualSearch.Search(model, Case, 1, 0.5, [])).Message);
    }
}
