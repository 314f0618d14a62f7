using System.Globalization;
using Explainability.Core.Explanations;

namespace Explainability.Core.Shap;

/// <summary>
/// Permutation-sampling SHAP values of any model (Strumbelj and Kononenko, "Explaining prediction models and individual
/// predictions with feature contributions", Knowledge and Information Systems 41 (2014), Algorithm 1) with antithetic
/// permutations: each random order of the players is used together with its reverse. The estimate of a player is the
/// mean of its marginal contributions <c>v(P + i) - v(P)</c> over the sampled orders, P the players before it, on the
/// interventional game of <see cref="InterventionalGame"/>.
/// </summary>
/// <remarks>
/// <para>Additivity is exact (to rounding): in every order the marginal contributions telescope to
/// <c>v(all) - v(empty) = f(x) - E f(b)</c>, so their mean does too.</para>
/// <para>Standard errors: the antithetic pairs are independent, so the standard error of a value is the sample standard
/// deviation of the per-pair estimates (the mean of an order's and its reverse's contributions) over the square root of
/// the number of pairs.</para>
/// <para>Cost per row: <c>2 pairs (M' - 1) backgroundRows</c> model rows for M' players that differ from the background
/// (the others are exact zeros). Seeding as in <see cref="KernelShap"/>: <c>System.Random</c> seeded from the seed and
/// the row's values, so the same seed gives bit-identical results for the same row (casebook C18, C20).</para>
/// </remarks>
public static class PermutationShap
{
    /// <summary>
    /// The smallest number of antithetic pairs: ten. The standard error is the sample standard deviation of the n pair
    /// estimates over sqrt(n), so (for roughly normal pair estimates) value +- 2 SE covers the true value with the
    /// probability P(|t| &lt;= 2) of Student's t with n - 1 degrees of freedom: 70% for n = 2, 82% for n = 3 (a review
    /// measured 76% at the old minimum), 92% for n = 10, against 95% asymptotically. Below ten pairs the reported
    /// standard errors would overstate the precision.
    /// </summary>
    public const int MinimumPairs = 10;

    /// <summary>Explains <paramref name="rows"/>.</summary>
    /// <param name="game">The model, background and players.</param>
    /// <param name="rows">Rows to explain, <c>[rows, inputs]</c>.</param>
    /// <param name="labels">Feature and output names, output space and link of the model's outputs.</param>
    /// <param name="permutationPairs">Antithetic pairs of player orders per row (<c>2 x permutationPairs</c> orders), at
    /// least <see cref="MinimumPairs"/>.</param>
    /// <param name="seed">Seed of the order sampling.</param>
    /// <param name="degreeOfParallelism">Threads over rows; the numbers do not depend on it.</param>
    /// <param name="cancellationToken">Checked before each row and each batch of hybrid rows sent to the model.</param>
    /// <returns>Method <c>permutation</c>: SHAP values and standard errors <c>[rows, features, outputs]</c> in the model's
    /// output space, base values <c>E f(b)</c> and model outputs <c>f(x)</c> <c>[rows, outputs]</c>; parameters
    /// <c>permutation_pairs</c>, <c>seed</c>, <c>model_evaluations</c>, ...</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permutationPairs"/> is below <see cref="MinimumPairs"/>, or so
    /// large that one row's coalition masks (<c>2 pairs players^2</c>) exceed 2^28 entries.</exception>
    /// <exception cref="ArgumentException">The rows or labels do not fit the model.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is returned.</exception>
    public static Explanation Explain(InterventionalGame game, ReadOnlySpan<double> rows, ExplanationLabels labels, int permutationPairs, int seed, int degreeOfParallelism = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(game);
        if (permutationPairs < MinimumPairs)
        {
            throw new ArgumentOutOfRangeException(nameof(permutationPairs), permutationPairs, $"permutation SHAP needs at least {MinimumPairs} antithetic pairs of orders to estimate its standard errors; got {permutationPairs}");
        }

        long masks = 2L * permutationPairs * game.PlayerCount * game.PlayerCount;
        if (masks > 1 << 28)
        {
            throw new ArgumentOutOfRangeException(nameof(permutationPairs), permutationPairs, $"permutation SHAP holds one row's coalition masks (2 x pairs x players^2 = {masks} entries for {game.PlayerCount} players) at most 2^28 entries; lower permutationPairs");
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["permutation_pairs"] = permutationPairs.ToString(CultureInfo.InvariantCulture),
            ["permutations"] = (2L * permutationPairs).ToString(CultureInfo.InvariantCulture),
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["sampling"] = "antithetic_permutations",
            ["standard_errors"] = "between_antithetic_pairs",
        };
        return game.Run(rows, labels, MethodNames.Permutation, parameters, sampled: true, degreeOfParallelism, () => new ScratchBuffers(), (_, x, fx, varying, phi, se, ws, scratch) =>
            ExplainRow(game, x, fx, varying, phi, se, ws, scratch, permutationPairs, InterventionalGame.RowSeed(seed, x)), cancellationToken);
    }

    private static long ExplainRow(InterventionalGame game, ReadOnlySpan<double> x, ReadOnlySpan<double> fx, ReadOnlySpan<int> varying, Span<double> phi, Span<double> se, InterventionalGame.Workspace ws, ScratchBuffers scratch, int pairs, int rowSeed)
    {
        int m = varying.Length, players = game.PlayerCount, outputs = game.OutputCount;
        var baseValue = game.Expected;
        if (m <= 1)
        {
            for (int o = 0; o < outputs && m == 1; o++)
            {
                phi[(varying[0] * outputs) + o] = fx[o] - baseValue[o];
            }

            return 0;
        }

        // Per pair: the order, then the m - 1 proper prefixes of the order and the m - 1 proper prefixes of its reverse.
        int perOrder = m - 1, count = 2 * pairs * perOrder;
        var orders = scratch.Orders(pairs * m);
        var masks = scratch.Masks(count * players);
        masks.AsSpan(0, count * players).Clear();
        var rng = new Random(rowSeed);
        var order = scratch.Order(m);
        for (int j = 0; j < m; j++)
        {
            order[j] = j;
        }

        for (int k = 0; k < pairs; k++)
        {
            rng.Shuffle(order.AsSpan(0, m));
            order.AsSpan(0, m).CopyTo(orders.AsSpan(k * m, m));
            for (int t = 1; t <= perOrder; t++)
            {
                var forward = masks.AsSpan((((2 * k * perOrder) + t - 1) * players), players);
                var reverse = masks.AsSpan(((((2 * k) + 1) * perOrder) + t - 1) * players, players);
                for (int i = 0; i < t; i++)
                {
                    forward[varying[order[i]]] = true;
                    reverse[varying[order[m - 1 - i]]] = true;
                }
            }
        }

        var values = scratch.Values(count * outputs);
        long evaluations = game.Evaluate(x, masks.AsSpan(0, count * players), count, values.AsSpan(0, count * outputs), ws);

        // estimates[k, j, o]: pair k's estimate, the mean of the forward and reverse order's marginal contributions.
        var estimates = scratch.Estimates(pairs * m * outputs);
        estimates.AsSpan(0, pairs * m * outputs).Clear();
        for (int k = 0; k < pairs; k++)
        {
            var pairOrder = orders.AsSpan(k * m, m);
            for (int direction = 0; direction < 2; direction++)
            {
                int first = ((2 * k) + direction) * perOrder;
                for (int t = 1; t <= m; t++)
                {
                    int player = direction == 0 ? pairOrder[t - 1] : pairOrder[m - t];
                    for (int o = 0; o < outputs; o++)
                    {
                        double before = t == 1 ? baseValue[o] : values[((first + t - 2) * outputs) + o];
                        double after = t == m ? fx[o] : values[((first + t - 1) * outputs) + o];
                        estimates[(((k * m) + player) * outputs) + o] += 0.5 * (after - before);
                    }
                }
            }
        }

        for (int j = 0; j < m; j++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double mean = 0;
                for (int k = 0; k < pairs; k++)
                {
                    mean += estimates[(((k * m) + j) * outputs) + o];
                }

                mean /= pairs;
                double squares = 0;
                for (int k = 0; k < pairs; k++)
                {
                    double d = estimates[(((k * m) + j) * outputs) + o] - mean;
                    squares += d * d;
                }

                phi[(varying[j] * outputs) + o] = mean;
                se[(varying[j] * outputs) + o] = Math.Sqrt(squares / (pairs - 1) / pairs);
            }
        }

        return evaluations;
    }
}
