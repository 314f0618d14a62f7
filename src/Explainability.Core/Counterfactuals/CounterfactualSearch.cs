using Explainability.Core.Models;

namespace Explainability.Core.Counterfactuals;

/// <summary>
/// Finds the smallest changes of one or two features that move a model's decision to the other side of a threshold, by
/// asking the model itself: a bounded, deterministic search over caller-given candidate values (see
/// <see cref="CounterfactualCandidate"/>), every evaluation batched through <see cref="IBatchModel"/>. No I/O.
/// </summary>
/// <remarks>
/// <para>The decision is positive when the searched output is at or above the threshold. A change "flips" when the
/// changed row's decision differs from the unchanged row's.</para>
/// <para>Order of the search, so that a cut by the budget always keeps the cheapest: first every single change, cheapest
/// first (one batch per <see cref="CounterfactualSearchOptions.BatchSize"/> rows); the cheapest flipping value of each
/// feature is its single-feature counterfactual. Then pairs of values of two features, in increasing total cost, each of
/// which does not flip alone, and only while the pair is cheaper than the single change of either of its features and
/// than the <see cref="CounterfactualSearchOptions.MaxResults"/>-th cheapest single change (a pair that costs more could
/// never be shown); the first flip of a pair of features is its counterfactual, and later combinations of that pair are
/// not sent. So two small changes are found when they are cheaper than one large one. Results rank by cost, then fewer
/// changes, feature index and candidate order.</para>
/// <para>Nearest counterfactuals under a cost and a sparsity bound, as in Wachter, Mittelstadt and Russell,
/// "Counterfactual explanations without opening the black box" (2018), with the search of Ustun, Spangher and Liu,
/// "Actionable recourse in linear classification" (FAT* 2019) restricted to actionable features and allowed directions,
/// here by enumeration rather than optimisation so that it needs nothing but model evaluations.</para>
/// </remarks>
public static class CounterfactualSearch
{
    /// <summary>Searches counterfactuals of <paramref name="row"/>.</summary>
    /// <param name="model">The model; thread-safety is not needed, calls are sequential.</param>
    /// <param name="row">The case, encoded as <paramref name="model"/> takes it, <c>[inputs]</c>.</param>
    /// <param name="output">The searched output, an index into the model's outputs.</param>
    /// <param name="threshold">The decision threshold on that output (a probability for a served classifier).</param>
    /// <param name="candidates">The allowed changes, any order; values equal to the case's are skipped.</param>
    /// <param name="options">Bounds; null for the defaults.</param>
    /// <returns>The counterfactuals found within the budget (possibly none), with the evaluation count.</returns>
    /// <exception cref="ArgumentException">The row length is not the model's input count, the output is out of range, the
    /// threshold is not finite, or a candidate names a feature out of range or has a negative or non-finite cost.</exception>
    public static CounterfactualResult Search(
        IBatchModel model, ReadOnlySpan<double> row, int output, double threshold,
        IReadOnlyList<CounterfactualCandidate> candidates, CounterfactualSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(candidates);
        options = (options ?? new CounterfactualSearchOptions()).Validated();
        int m = model.InputCount, k = model.OutputCount;
        if (row.Length != m)
        {
            throw new ArgumentException($"the row has {row.Length} values; the model takes {m}", nameof(row));
        }

        if (output < 0 || output >= k)
        {
            throw new ArgumentException($"output {output} is outside the model's {k} outputs", nameof(output));
        }

        if (!double.IsFinite(threshold))
        {
            throw new ArgumentException($"the threshold is {threshold}; expected a finite number", nameof(threshold));
        }

        foreach (var c in candidates)
        {
            if (c.Feature < 0 || c.Feature >= m)
            {
                throw new ArgumentException($"a candidate changes feature {c.Feature}; the model has features 0..{m - 1}", nameof(candidates));
            }

            if (!(c.Cost >= 0) || !double.IsFinite(c.Cost))
            {
                throw new ArgumentException($"the candidate for feature {c.Feature} value {c.Value} has cost {c.Cost}; expected a finite number, 0 or more", nameof(candidates));
            }
        }

        var baseRow = row.ToArray();
        var evaluator = new Evaluator(model, baseRow, output, options);
        double original = evaluator.Score([[]]).Single();
        bool positive = original >= threshold;
        bool Flips(double score) => (score >= threshold) != positive;

        // Stable: ties keep feature index, then the caller's order.
        var singles = candidates
            .Select((c, i) => (c, i))
            .Where(x => !SameValue(x.c.Value, baseRow[x.c.Feature]))
            .OrderBy(x => x.c.Cost).ThenBy(x => x.c.Feature).ThenBy(x => x.i)
            .Select(x => x.c)
            .ToList();

        var bestSingle = new Dictionary<int, Counterfactual>();
        var flippingAlone = new HashSet<CounterfactualCandidate>();
        bool exhausted = false;
        int next = 0;
        while (next < singles.Count)
        {
            int take = Math.Min(options.BatchSize, Math.Min(singles.Count - next, evaluator.Remaining));
            if (take <= 0)
            {
                exhausted = true;
                break;
            }

            var batch = singles.GetRange(next, take);
            var scores = evaluator.Score([.. batch.Select(c => new[] { c })]);
            for (int i = 0; i < take; i++)
            {
                var c = batch[i];
                if (Flips(scores[i]))
                {
                    flippingAlone.Add(c);
                    bestSingle.TryAdd(c.Feature, new Counterfactual([c], c.Cost, scores[i]));
                }
            }

            next += take;
        }

        var found = bestSingle.Values.OrderBy(c => c.Cost).ThenBy(c => c.Changes[0].Feature).ToList();
        if (!exhausted && options.TryPairs)
        {
            // A pair costing at least the MaxResults-th cheapest single change would never be shown.
            double bound = found.Count >= options.MaxResults ? found[options.MaxResults - 1].Cost : double.PositiveInfinity;
            exhausted = SearchPairs(singles, flippingAlone, bestSingle, bound, evaluator, Flips, found);
        }

        var ranked = found.OrderBy(c => c.Cost).ThenBy(c => c.Changes.Count).ThenBy(c => c.Changes[0].Feature)
            .ThenBy(c => c.Changes.Count > 1 ? c.Changes[1].Feature : -1);
        return new CounterfactualResult([.. ranked.Take(options.MaxResults)], evaluator.Evaluations, exhausted, original);
    }

    /// <returns>Whether the budget ran out before every pair was tried.</returns>
    private static bool SearchPairs(
        List<CounterfactualCandidate> singles, HashSet<CounterfactualCandidate> flippingAlone, Dictionary<int, Counterfactual> bestSingle,
        double bound, Evaluator evaluator, Func<double, bool> flips, List<Counterfactual> found)
    {
        double SingleCost(int feature) => bestSingle.TryGetValue(feature, out var single) ? single.Cost : double.PositiveInfinity;
        var byFeature = singles.Where(c => !flippingAlone.Contains(c)).GroupBy(c => c.Feature).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        var pairs = new List<(CounterfactualCandidate A, CounterfactualCandidate B, int Order)>();
        for (int a = 0; a < byFeature.Count; a++)
        {
            for (int b = a + 1; b < byFeature.Count; b++)
            {
                double limit = Math.Min(bound, Math.Min(SingleCost(byFeature[a][0].Feature), SingleCost(byFeature[b][0].Feature)));
                foreach (var ca in byFeature[a])
                {
                    foreach (var cb in byFeature[b])
                    {
                        // Only a pair cheaper than a single change of either feature (and than what is shown) can matter.
                        if (ca.Cost + cb.Cost < limit)
                        {
                            pairs.Add((ca, cb, pairs.Count));
                        }
                    }
                }
            }
        }

        var ordered = pairs.OrderBy(p => p.A.Cost + p.B.Cost).ThenBy(p => p.Order).ToList();
        var solved = new Dictionary<(int, int), Counterfactual>();
        int next = 0;
        while (next < ordered.Count)
        {
            if (evaluator.Remaining <= 0)
            {
                // Out of budget: exhausted only if a pair of features is left untried (later values of solved pairs do not count).
                bool left = ordered.Skip(next).Any(p => !solved.ContainsKey((p.A.Feature, p.B.Feature)));
                AddPairs(solved, found);
                return left;
            }

            var batch = new List<(CounterfactualCandidate A, CounterfactualCandidate B, int Order)>();
            while (next < ordered.Count && batch.Count < Math.Min(evaluator.BatchSize, evaluator.Remaining))
            {
                var p = ordered[next];
                if (!solved.ContainsKey((p.A.Feature, p.B.Feature)))
                {
                    batch.Add(p);
                }

                next++;
            }

            if (batch.Count == 0)
            {
                break;
            }

            var scores = evaluator.Score([.. batch.Select(p => new[] { p.A, p.B })]);
            for (int i = 0; i < batch.Count; i++)
            {
                var (a, b, _) = batch[i];
                if (flips(scores[i]) && !solved.ContainsKey((a.Feature, b.Feature)))
                {
                    solved[(a.Feature, b.Feature)] = new Counterfactual([a, b], a.Cost + b.Cost, scores[i]);
                }
            }
        }

        AddPairs(solved, found);
        return false;
    }

    private static void AddPairs(Dictionary<(int, int), Counterfactual> solved, List<Counterfactual> found) =>
        found.AddRange(solved.Values.OrderBy(c => c.Cost).ThenBy(c => c.Changes[0].Feature).ThenBy(c => c.Changes[1].Feature));

    private static bool SameValue(double a, double b) => a.Equals(b);

    /// <summary>Scores changed copies of the case in model calls of at most the batch size, counting rows against the budget.</summary>
    private sealed class Evaluator(IBatchModel model, double[] row, int output, CounterfactualSearchOptions options)
    {
        public long Evaluations { get; private set; }

        public int BatchSize => options.BatchSize;

        public int Remaining => (int)Math.Max(0, options.MaxEvaluations - Evaluations);

        public double[] Score(IReadOnlyList<CounterfactualCandidate[]> changes)
        {
            int m = model.InputCount, k = model.OutputCount, n = changes.Count;
            var rows = new double[n * m];
            for (int r = 0; r < n; r++)
            {
                row.CopyTo(rows, r * m);
                foreach (var c in changes[r])
                {
                    rows[(r * m) + c.Feature] = c.Value;
                }
            }

            var outputs = new double[n * k];
            model.Predict(rows, outputs);
            Evaluations += n;
            var scores = new double[n];
            for (int r = 0; r < n; r++)
            {
                scores[r] = outputs[(r * k) + output];
            }

            return scores;
        }
    }
}
