using Explainability.Core.Trees;

namespace Explainability.Core.Tests.Shap;

/// <summary>Exact Shapley values by enumerating all 2^M coalitions: the independent reference for TreeSHAP.</summary>
internal static class BruteForce
{
    /// <summary>Shapley values phi[f] for value function v over coalitions given as bit masks of M players.</summary>
    public static double[] Shapley(int m, Func<int, double> v)
    {
        var (values, fact) = Tabulate(m, v);

        var phi = new double[m];
        for (int i = 0; i < m; i++)
        {
            for (int s = 0; s < values.Length; s++)
            {
                if ((s & (1 << i)) != 0)
                {
                    continue;
                }

                int size = System.Numerics.BitOperations.PopCount((uint)s);
                phi[i] += fact[size] * fact[m - size - 1] / fact[m] * (values[s | (1 << i)] - values[s]);
            }
        }

        return phi;
    }

    /// <summary>
    /// Shapley interaction index matrix <c>[m, m]</c> of value function v (Lundberg et al. 2020, Methods, "SHAP interaction
    /// values"): off the diagonal <c>sum over S without i, j of |S|! (m - |S| - 2)! / (2 (m - 1)!) * (v(S+i+j) - v(S+i) - v(S+j) + v(S))</c>,
    /// on the diagonal <c>phi_i - sum over j != i</c> of the row.
    /// </summary>
    public static double[,] ShapleyInteractions(int m, Func<int, double> v)
    {
        var (values, fact) = Tabulate(m, v);

        var phi = Shapley(m, s => values[s]);
        var result = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            double offDiagonal = 0;
            for (int j = 0; j < m; j++)
            {
                if (j == i)
                {
                    continue;
                }

                int bi = 1 << i, bj = 1 << j;
                double sum = 0;
                for (int s = 0; s < values.Length; s++)
                {
                    if ((s & (bi | bj)) != 0)
                    {
                        continue;
                    }

                    int size = System.Numerics.BitOperations.PopCount((uint)s);
                    sum += fact[size] * fact[m - size - 2] / (2 * fact[m - 1]) * (values[s | bi | bj] - values[s | bi] - values[s | bj] + values[s]);
                }

                result[i, j] = sum;
                offDiagonal += sum;
            }

            result[i, i] = phi[i] - offDiagonal;
        }

        return result;
    }

    /// <summary>v of every coalition <c>[2^m]</c> and the factorials <c>0!..m!</c>.</summary>
    private static (double[] Values, double[] Factorials) Tabulate(int m, Func<int, double> v)
    {
        var values = new double[1 << m];
        for (int s = 0; s < values.Length; s++)
        {
            values[s] = v(s);
        }

        var fact = new double[m + 1];
        fact[0] = 1;
        for (int i = 1; i <= m; i++)
        {
            fact[i] = fact[i - 1] * i;
        }

        return (values, fact);
    }

    /// <summary>Interventional value function: mean over background rows of f(x_S, b_rest), output o; column f belongs to player <c>player[f]</c> (itself when null).</summary>
    public static double Interventional(TreeEnsemble e, double[] x, double[][] background, int coalition, int o, int[]? player = null)
    {
        var hybrid = new double[x.Length];
        var margin = new double[e.OutputCount];
        double sum = 0;
        foreach (var b in background)
        {
            for (int f = 0; f < x.Length; f++)
            {
                hybrid[f] = (coalition & (1 << (player?[f] ?? f))) != 0 ? x[f] : b[f];
            }

            e.Evaluate(hybrid, margin);
            sum += margin[o];
        }

        return sum / background.Length;
    }

    /// <summary>Path-dependent value function: base + sum over trees of E[tree | x_S] with cover-weighted splits on features outside S (Lundberg et al. 2018, Algorithm 1).</summary>
    public static double PathDependent(TreeEnsemble e, double[] x, int coalition, int o, int[]? player = null)
    {
        double total = e.BaseValues[o];
        foreach (int root in e.TreeRoots)
        {
            total += Expect(e, root, x, coalition, o, player);
        }

        return total;
    }

    private static double Expect(TreeEnsemble e, int node, double[] x, int coalition, int o, int[]? player)
    {
        if (e.Mode[node] == NodeMode.Leaf)
        {
            return e.LeafValues[(node * e.OutputCount) + o];
        }

        int f = e.Feature[node];
        if ((coalition & (1 << (player?[f] ?? f))) != 0)
        {
            return Expect(e, e.Next(node, x), x, coalition, o, player);
        }

        int t = e.TrueChild[node], fc = e.FalseChild[node];
        double wt = CoverCounter.Fraction(e.Covers!, node, t), wf = CoverCounter.Fraction(e.Covers!, node, fc);
        return (wt == 0 ? 0 : wt * Expect(e, t, x, coalition, o, player)) + (wf == 0 ? 0 : wf * Expect(e, fc, x, coalition, o, player));
    }
}
