using System.Globalization;
using Explainability.Core.Explanations;
using MathNet.Numerics.LinearAlgebra;

namespace Explainability.Core.Shap;

/// <summary>
/// KernelSHAP: SHAP values of any model as the solution of a weighted least-squares problem over coalitions with the
/// Shapley kernel, constrained so that <c>sum(phi) = f(x) - E f(b)</c> exactly (Lundberg and Lee, "A unified approach
/// to interpreting model predictions", NeurIPS 2017, Theorem 2), over the interventional game of
/// <see cref="InterventionalGame"/>.
/// </summary>
/// <remarks>
/// <para><b>Budget.</b> <c>nsamples</c> counts the coalitions evaluated per row besides the empty and the full one
/// (each costs one model row per background row; an odd budget leaves one coalition unused when sampling). Players that equal the background in every background row are exact
/// zeros and leave the game; of the remaining M' players:</para>
/// <list type="bullet">
/// <item>if <c>nsamples &gt;= 2^M' - 2</c>, all coalitions are enumerated and weighted by the Shapley kernel
/// <c>(M'-1) / (C(M', |S|) |S| (M' - |S|))</c>; the solution is then the exact Shapley value (to rounding, casebook C19),
/// no regularisation is ever applied and the standard errors are 0;</item>
/// <item>otherwise, as in the shap package, the size levels (s, M' - s) are taken smallest first and every coalition of
/// a level is evaluated, with its kernel weight, while the level fits the budget leaving room for M' + 1 pairs; the rest of
/// the budget is spent on coalitions drawn with the Shapley kernel restricted to the remaining sizes as their distribution
/// (a size s with probability proportional to <c>1 / (s (M' - s))</c>, then a uniform subset of that size), each paired
/// with its complement (antithetic sampling; Covert and Lee, "Improving KernelSHAP: practical Shapley value estimation
/// via linear regression", AISTATS 2021, Section 4), sharing the remaining levels' kernel mass equally. The constrained
/// weighted least-squares problem <c>min sum w (z.phi - (v(z) - v(0)))^2 s.t. 1.phi = v(1) - v(0)</c> is solved in closed
/// form <c>phi = A^-1 (b - 1 (1.A^-1 b - v(1) + v(0)) / (1.A^-1 1))</c> with <c>A = sum w z z^T</c>,
/// <c>b = sum w z (v(z) - v(0))</c> (MathNet LU). The minimum budget always enumerates the sizes 1 and M' - 1, so A has
/// full rank.</item>
/// </list>
/// <para><b>Standard errors</b> (sampled rows): the delta-method (sandwich) variance of that estimator with the sample
/// pairs as independent units (the enumerated levels do not vary), as in Covert and Lee's asymptotic analysis: with
/// <c>C = A^-1 - A^-1 1 1^T A^-1 / (1.A^-1 1)</c> (the derivative of the constrained solution with respect to b) and
/// <c>g_u = W mean over the pair's two coalitions of z (v(z) - v(0) - z.phi)</c>, W the sampled levels' kernel mass,
/// <c>Cov(phi) = C Cov(g) C / n</c> for n pairs, where <c>Cov(g)</c> is the sample covariance of the <c>g_u</c>, times
/// the small-sample factor <c>n / (n - (M' - 1))</c> for the M' - 1 free coefficients (the HC1 correction of MacKinnon
/// and White 1985; without it the errors are too small when n is not much larger than M'). Checked by the test suite:
/// over 200 seeds about 95% of the values lie within 2 standard errors of the exact ones.
/// The covariance of the constraint direction is projected out by C, so errors respect additivity.</para>
/// <para><b>Seeding.</b> A row draws from <c>System.Random(s_x)</c> (.NET's seeded generator, Knuth's subtractive method,
/// whose sequence for a seed .NET keeps stable), <c>s_x</c> a SplitMix64 mix of the seed and the bits of the row's values:
/// the same seed gives bit-identical results for the same row whatever the threads, batch size, position in the request
/// or other rows (casebook C18, C20). Identical rows in one request get identical samples.</para>
/// </remarks>
public static class KernelShap
{
    /// <summary>The smallest <c>nsamples</c> accepted for a game of <paramref name="players"/> players:
    /// <c>min(4 players + 2, 2^players - 2)</c> (every coalition of sizes 1 and players - 1 plus players + 1 sampled pairs,
    /// or full enumeration), 0 for one player.</summary>
    public static int MinimumSamples(int players) => players <= 1 ? 0 : (int)Math.Min((4L * players) + 2, EnumerationSize(players));

    /// <summary>The number of coalitions besides the empty and full one, <c>2^players - 2</c>: with at least this many
    /// samples KernelSHAP enumerates and is exact.</summary>
    public static long EnumerationSize(int players) => players >= 62 ? long.MaxValue : (1L << players) - 2;

    /// <summary>The largest <c>nsamples</c> for a game of <paramref name="players"/> players: one row's coalition masks
    /// (<c>nsamples x players</c>) are held at most 2^28 entries.</summary>
    public static int MaximumSamples(int players) => (1 << 28) / Math.Max(1, players);

    /// <summary>Explains <paramref name="rows"/>.</summary>
    /// <param name="game">The model, background and players.</param>
    /// <param name="rows">Rows to explain, <c>[rows, inputs]</c>.</param>
    /// <param name="labels">Feature and output names, output space and link of the model's outputs.</param>
    /// <param name="nsamples">Coalitions evaluated per row besides the empty and full one (see remarks), at least
    /// <see cref="MinimumSamples"/> of the game's player count.</param>
    /// <param name="seed">Seed of the coalition sampling.</param>
    /// <param name="degreeOfParallelism">Threads over rows; the numbers do not depend on it.</param>
    /// <param name="cancellationToken">Checked before each row and each batch of hybrid rows sent to the model.</param>
    /// <returns>Method <c>kernel</c>: SHAP values and standard errors <c>[rows, features, outputs]</c> in the model's output
    /// space (standard errors 0 on enumerated rows), base values <c>E f(b)</c> and model outputs <c>f(x)</c>
    /// <c>[rows, outputs]</c>; parameters <c>nsamples</c> (the coalitions evaluated per row: <paramref name="nsamples"/>, or
    /// <see cref="EnumerationSize"/> when it asks for more, then also <c>nsamples_requested</c>), <c>enumerated</c>
    /// (<c>true</c> when that covers all coalitions), <c>seed</c>, <c>model_evaluations</c>, <c>rows_enumerated</c>, ...</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nsamples"/> is below <see cref="MinimumSamples"/>, or
    /// it and <see cref="EnumerationSize"/> are both above <see cref="MaximumSamples"/> (the message names the bound).</exception>
    /// <exception cref="ArgumentException">The rows or labels do not fit the model.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is returned.</exception>
    /// <exception cref="InvalidOperationException">A row's regression is numerically singular. A guard: the minimum budget
    /// enumerates the coalitions of sizes 1 and M' - 1, which gives the regression full rank.</exception>
    public static Explanation Explain(InterventionalGame game, ReadOnlySpan<double> rows, ExplanationLabels labels, int nsamples, int seed, int degreeOfParallelism = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(game);
        int minimum = MinimumSamples(game.PlayerCount);
        if (nsamples < minimum || nsamples < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nsamples), nsamples, $"KernelSHAP needs nsamples >= {minimum} for {game.PlayerCount} players (the 2 x players coalitions of sizes 1 and players - 1 and players + 1 sampled pairs, or all 2^players - 2 = {EnumerationSize(game.PlayerCount)}); got {nsamples}");
        }

        // A budget beyond the 2^M - 2 coalitions enumerates them all: that many are evaluated, and that is what is recorded.
        long enumeration = EnumerationSize(game.PlayerCount);
        int effective = (int)Math.Min(nsamples, enumeration);
        int maximum = MaximumSamples(game.PlayerCount);
        if (effective > maximum)
        {
            throw new ArgumentOutOfRangeException(nameof(nsamples), nsamples, $"KernelSHAP takes nsamples <= {maximum} for {game.PlayerCount} players (2^28 coalition-mask entries per row; enumerating all {enumeration} coalitions does not fit); got {nsamples}");
        }

        int enumerated = 0, sampled = 0;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["nsamples"] = effective.ToString(CultureInfo.InvariantCulture),
            ["enumerated"] = effective == enumeration ? "true" : "false",
            ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["sampling"] = "size_levels_then_shapley_kernel_paired",
            ["standard_errors"] = "delta_method_over_sample_pairs",
        };
        if (effective != nsamples)
        {
            parameters["nsamples_requested"] = nsamples.ToString(CultureInfo.InvariantCulture);
        }

        nsamples = effective;
        var explanation = game.Run(rows, labels, MethodNames.Kernel, parameters, sampled: true, degreeOfParallelism, () => new ScratchBuffers(), (_, x, fx, varying, phi, se, ws, scratch) =>
        {
            bool enumerate = EnumerationSize(varying.Length) <= nsamples;
            Interlocked.Increment(ref enumerate ? ref enumerated : ref sampled);
            return ExplainRow(game, x, fx, varying, phi, se, ws, scratch, enumerate, nsamples / 2, InterventionalGame.RowSeed(seed, x));
        }, cancellationToken);
        parameters["rows_enumerated"] = enumerated.ToString(CultureInfo.InvariantCulture);
        parameters["rows_sampled"] = sampled.ToString(CultureInfo.InvariantCulture);
        return explanation;
    }

    private static long ExplainRow(InterventionalGame game, ReadOnlySpan<double> x, ReadOnlySpan<double> fx, ReadOnlySpan<int> varying, Span<double> phi, Span<double> se, InterventionalGame.Workspace ws, ScratchBuffers scratch, bool enumerate, int pairs, int rowSeed)
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

        // Coalitions: all of them (enumerate), or every coalition of the size levels (s, m - s) that fit the budget,
        // smallest first, then paired samples from the remaining sizes. Weights: the Shapley kernel, normalised to 1 over
        // sizes 1..m-1; a sampled coalition carries an equal share of the remaining sizes' mass.
        int count, enumeratedCount, levels = 0;
        double restMass = 0;
        if (enumerate)
        {
            count = enumeratedCount = (1 << m) - 2;
            pairs = 0;
        }
        else
        {
            long budget = 2L * pairs;
            enumeratedCount = 0;
            for (int size = 1; size < m - size + 1; size++)
            {
                double level = size == m - size ? Binomial(m, size) : 2 * Binomial(m, size);

                // Keep at least m + 1 pairs for the sampled part, so that its standard error can be estimated.
                if (level > budget - enumeratedCount - (2 * (m + 1)))
                {
                    break;
                }

                enumeratedCount += (int)level;
                levels = size;
            }

            pairs = (int)((budget - enumeratedCount) / 2);
            count = enumeratedCount + (2 * pairs);
        }

        var masks = scratch.Masks(count * players);
        masks.AsSpan(0, count * players).Clear();
        var weights = scratch.Weights(count);
        double kernelTotal = 0;
        for (int size = 1; size < m; size++)
        {
            kernelTotal += 1.0 / (size * (m - size));
        }

        if (enumerate)
        {
            for (int c = 1; c <= count; c++)
            {
                int size = 0;
                for (int j = 0; j < m; j++)
                {
                    if ((c & (1 << j)) != 0)
                    {
                        masks[((c - 1) * players) + varying[j]] = true;
                        size++;
                    }
                }

                weights[c - 1] = 1.0 / (kernelTotal * Binomial(m, size) * size * (m - size));
            }
        }
        else
        {
            int written = 0;
            var subset = scratch.Order(m);
            for (int size = 1; size <= levels; size++)
            {
                double weight = 1.0 / (kernelTotal * Binomial(m, size) * size * (m - size));
                for (int i = 0; i < size; i++)
                {
                    subset[i] = i;
                }

                do
                {
                    var chosen = masks.AsSpan(written * players, players);
                    for (int i = 0; i < size; i++)
                    {
                        chosen[varying[subset[i]]] = true;
                    }

                    weights[written++] = weight;
                    if (size != m - size)
                    {
                        var complement = masks.AsSpan(written * players, players);
                        for (int j = 0; j < m; j++)
                        {
                            complement[varying[j]] = !chosen[varying[j]];
                        }

                        weights[written++] = weight;
                    }
                }
                while (NextCombination(subset.AsSpan(0, size), m));
            }

            for (int size = levels + 1; size < m - levels; size++)
            {
                restMass += 1.0 / (kernelTotal * size * (m - size));
            }

            Sample(m, varying, players, pairs, levels + 1, rowSeed, masks.AsSpan(enumeratedCount * players), scratch);
            weights.AsSpan(enumeratedCount, 2 * pairs).Fill(restMass / (2 * pairs));
        }

        var values = scratch.Values(count * outputs);
        long evaluations = game.Evaluate(x, masks.AsSpan(0, count * players), count, values.AsSpan(0, count * outputs), ws);

        // Weighted normal equations A = sum w z z^T, B = sum w z (v(z) - v(0)) over the varying players.
        var a = Matrix<double>.Build.Dense(m, m);
        var b = Matrix<double>.Build.Dense(m, outputs);
        var z = scratch.Indices(m);
        for (int s = 0; s < count; s++)
        {
            int size = 0;
            for (int j = 0; j < m; j++)
            {
                if (masks[(s * players) + varying[j]])
                {
                    z[size++] = j;
                }
            }

            double w = weights[s];
            for (int p = 0; p < size; p++)
            {
                for (int q = 0; q < size; q++)
                {
                    a[z[p], z[q]] += w;
                }

                for (int o = 0; o < outputs; o++)
                {
                    b[z[p], o] += w * (values[(s * outputs) + o] - baseValue[o]);
                }
            }
        }

        if (!enumerate)
        {
            double condition = a.ConditionNumber();
            if (!(condition < 1e10))
            {
                throw new InvalidOperationException($"KernelSHAP: the {count} coalitions do not identify all {m} varying players (the regression matrix is singular, condition {condition:G3}); raise nsamples");
            }
        }

        var lu = a.LU();
        var ones = Vector<double>.Build.Dense(m, 1.0);
        var aInvOnes = lu.Solve(ones);
        var aInvB = lu.Solve(b);
        double denominator = aInvOnes.Sum();
        var solution = Matrix<double>.Build.Dense(m, outputs);
        for (int o = 0; o < outputs; o++)
        {
            double lambda = (aInvB.Column(o).Sum() - (fx[o] - baseValue[o])) / denominator;
            for (int j = 0; j < m; j++)
            {
                solution[j, o] = aInvB[j, o] - (aInvOnes[j] * lambda);
                phi[(varying[j] * outputs) + o] = solution[j, o];
            }
        }

        if (!enumerate)
        {
            StandardErrors(m, outputs, players, pairs, varying, masks.AsSpan(enumeratedCount * players), values.AsSpan(enumeratedCount * outputs), restMass, baseValue, solution, lu.Inverse(), aInvOnes, denominator, se);
        }

        return evaluations;
    }

    /// <summary>Draws <paramref name="pairs"/> coalitions of sizes <c>minSize..m-minSize</c> from the Shapley kernel over
    /// the varying players, each followed by its complement, into <paramref name="masks"/> <c>[2 pairs, players]</c>.</summary>
    private static void Sample(int m, ReadOnlySpan<int> varying, int players, int pairs, int minSize, int rowSeed, Span<bool> masks, ScratchBuffers scratch)
    {
        var rng = new Random(rowSeed);
        var cumulative = scratch.Cumulative(m);
        double total = 0;
        for (int s = minSize; s <= m - minSize; s++)
        {
            total += 1.0 / (s * (m - s));
            cumulative[s] = total;
        }

        var order = scratch.Order(m);
        for (int j = 0; j < m; j++)
        {
            order[j] = j;
        }

        for (int k = 0; k < pairs; k++)
        {
            double u = rng.NextDouble() * total;
            int size = minSize;
            while (size < m - minSize && cumulative[size] <= u)
            {
                size++;
            }

            // Partial Fisher-Yates: order[0..size) is a uniform subset of that size.
            for (int i = 0; i < size; i++)
            {
                int pick = i + rng.Next(m - i);
                (order[i], order[pick]) = (order[pick], order[i]);
            }

            var chosen = masks.Slice(2 * k * players, players);
            var complement = masks.Slice(((2 * k) + 1) * players, players);
            for (int j = 0; j < m; j++)
            {
                complement[varying[j]] = true;
            }

            for (int i = 0; i < size; i++)
            {
                chosen[varying[order[i]]] = true;
                complement[varying[order[i]]] = false;
            }
        }
    }

    /// <summary>Delta-method standard errors over sample pairs (see the class remarks), written to <paramref name="se"/> <c>[players, outputs]</c>.</summary>
    /// <remarks>Only the sampled pairs vary; each pair's share of b is <c>restMass</c> times the mean of its two terms.</remarks>
    private static void StandardErrors(int m, int outputs, int players, int pairs, ReadOnlySpan<int> varying, ReadOnlySpan<bool> masks, ReadOnlySpan<double> values, double restMass, double[] baseValue, Matrix<double> solution, Matrix<double> aInverse, Vector<double> aInvOnes, double denominator, Span<double> se)
    {
        var c = aInverse - (aInvOnes.OuterProduct(aInvOnes) / denominator);
        var g = Matrix<double>.Build.Dense(pairs, m);
        for (int o = 0; o < outputs; o++)
        {
            g.Clear();
            for (int k = 0; k < pairs; k++)
            {
                for (int half = 0; half < 2; half++)
                {
                    int s = (2 * k) + half;
                    double fitted = 0;
                    for (int j = 0; j < m; j++)
                    {
                        if (masks[(s * players) + varying[j]])
                        {
                            fitted += solution[j, o];
                        }
                    }

                    double residual = values[(s * outputs) + o] - baseValue[o] - fitted;
                    for (int j = 0; j < m; j++)
                    {
                        if (masks[(s * players) + varying[j]])
                        {
                            g[k, j] += 0.5 * restMass * residual;
                        }
                    }
                }
            }

            for (int j = 0; j < m; j++)
            {
                double mean = 0;
                for (int k = 0; k < pairs; k++)
                {
                    mean += g[k, j];
                }

                mean /= pairs;
                for (int k = 0; k < pairs; k++)
                {
                    g[k, j] -= mean;
                }
            }

            var covariance = g.TransposeThisAndMultiply(g) / (pairs - 1);
            var phiCovariance = c * covariance * c / (pairs - (m - 1));
            for (int j = 0; j < m; j++)
            {
                se[(varying[j] * outputs) + o] = Math.Sqrt(Math.Max(0, phiCovariance[j, j]));
            }
        }
    }

    /// <summary>Advances <paramref name="subset"/> (ascending indices below <paramref name="n"/>) to the next combination in
    /// lexicographic order; false after the last.</summary>
    private static bool NextCombination(Span<int> subset, int n)
    {
        int k = subset.Length;
        int i = k - 1;
        while (i >= 0 && subset[i] == n - k + i)
        {
            i--;
        }

        if (i < 0)
        {
            return false;
        }

        subset[i]++;
        for (int j = i + 1; j < k; j++)
        {
            subset[j] = subset[j - 1] + 1;
        }

        return true;
    }

    private static double Binomial(int n, int k)
    {
        double result = 1;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
