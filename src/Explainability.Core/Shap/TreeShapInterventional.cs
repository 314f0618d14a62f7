using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>
/// Interventional TreeSHAP: exact SHAP values of a tree ensemble in margin space for the value function
/// <c>v(S) = mean over background rows b of f(x_S, b_rest)</c> (features outside S are replaced by the
/// background row's values, breaking dependence between features).
/// </summary>
/// <remarks>
/// <para>Source: Lundberg et al., "From local explanations to global understanding with explainable AI for trees",
/// Nature Machine Intelligence 2 (2020), Methods, "Independent Tree SHAP". For one background row b, a leaf reached
/// along a path where the features in P follow x (and b would go elsewhere) and those in N follow b receives the
/// weights <c>+(|P|-1)! |N|! / (|P|+|N|)!</c> for each feature in P and <c>-|P|! (|N|-1)! / (|P|+|N|)!</c> for each
/// feature in N; the SHAP values are the mean over background rows. Cost O(T L R) per row for R background rows.</para>
/// <para>Routing uses the model's own thresholds and NaN directions, so the explained margin is exactly the
/// model's (casebook C01, C02, C03).</para>
/// <para>Thread-safe: each call works in the caller's <see cref="Workspace"/>; the instance is immutable.</para>
/// </remarks>
public sealed class TreeShapInterventional
{
    private readonly TreeEnsemble _ensemble;
    private readonly double[] _background;
    private readonly int _backgroundRows;
    private readonly double[,] _weight;
    private readonly int[] _nodePlayer;

    /// <summary>Prepares the explainer.</summary>
    /// <param name="ensemble">The model.</param>
    /// <param name="background">Background rows, <c>[rows, columns]</c> in the ensemble's input columns.</param>
    /// <param name="columnToPlayer">The player (raw feature) of each input column, <c>[columns]</c>; the columns of one
    /// player are taken together from the row or from the background row (a one-hot group is one player). Null: each
    /// column is its own player.</param>
    /// <param name="playerCount">Number of players; required with <paramref name="columnToPlayer"/>.</param>
    /// <exception cref="ArgumentException">The background is empty or not a whole number of rows, or a column maps
    /// outside <c>0..playerCount-1</c>.</exception>
    public TreeShapInterventional(TreeEnsemble ensemble, ReadOnlySpan<double> background, int[]? columnToPlayer = null, int playerCount = -1)
    {
        int m = ensemble.FeatureCount;
        if (background.Length == 0 || (m > 0 && background.Length % m != 0))
        {
            throw new ArgumentException($"the background must hold at least one row of {m} values; got {background.Length} values", nameof(background));
        }

        _ensemble = ensemble;
        (_nodePlayer, PlayerCount) = Players.PerNode(ensemble, columnToPlayer, playerCount);
        _background = background.ToArray();
        _backgroundRows = m == 0 ? 1 : background.Length / m;

        // _weight[p, n] = p! n! / (p + n + 1)!, the Shapley weight of a set of size p among p + n + 1 players.
        int d = ensemble.MaxDepth + 1;
        _weight = new double[d + 1, d + 1];
        for (int p = 0; p <= d; p++)
        {
            for (int n = 0; p + n <= d; n++)
            {
                _weight[p, n] = Factorial(p) * Factorial(n) / Factorial(p + n + 1);
            }
        }

        ExpectedValue = new double[ensemble.OutputCount];
        var margin = new double[ensemble.OutputCount];
        for (int r = 0; r < _backgroundRows; r++)
        {
            ensemble.Evaluate(_background.AsSpan(r * m, m), margin);
            for (int o = 0; o < margin.Length; o++)
            {
                ExpectedValue[o] += margin[o] / _backgroundRows;
            }
        }
    }

    /// <summary>The base value in margin space, <c>[outputs]</c>: the mean margin over the background rows.</summary>
    public double[] ExpectedValue { get; }

    /// <summary>Number of players: the length of the first axis of the SHAP values.</summary>
    public int PlayerCount { get; }

    /// <summary>Number of background rows.</summary>
    public int BackgroundRows => _backgroundRows;

    /// <summary>Scratch memory for one thread; reuse it across rows so the hot path allocates nothing.</summary>
    public sealed class Workspace
    {
        internal Workspace(int players, int maxDepth)
        {
            State = new byte[players];
            Positive = new int[maxDepth + 1];
            Negative = new int[maxDepth + 1];
        }

        internal byte[] State { get; }

        internal int[] Positive { get; }

        internal int[] Negative { get; }
    }

    /// <summary>Creates scratch memory for one thread.</summary>
    public Workspace CreateWorkspace() => new(PlayerCount, _ensemble.MaxDepth);

    /// <summary>Computes SHAP values of one row in margin space.</summary>
    /// <param name="x">The row, <c>[columns]</c>; NaN is missing.</param>
    /// <param name="phi">Destination, <c>[players, outputs]</c>, overwritten.</param>
    /// <param name="workspace">Scratch memory from <see cref="CreateWorkspace"/>, used by one thread at a time.</param>
    /// <remarks>Additivity: <c>ExpectedValue[o] + sum over p of phi[p, o]</c> equals the margin of <paramref name="x"/>.</remarks>
    public void Explain(ReadOnlySpan<double> x, Span<double> phi, Workspace workspace)
    {
        int m = _ensemble.FeatureCount;
        if (x.Length != m || phi.Length != PlayerCount * _ensemble.OutputCount)
        {
            throw new ArgumentException($"expected a row of {m} values and phi of {PlayerCount * _ensemble.OutputCount}");
        }

        phi.Clear();
        double scale = 1.0 / _backgroundRows;
        for (int r = 0; r < _backgroundRows; r++)
        {
            var b = _background.AsSpan(r * m, m);
            for (int t = 0; t < _ensemble.TreeCount; t++)
            {
                Recurse(_ensemble.TreeRoots[t], x, b, phi, workspace, 0, 0, scale);
            }
        }
    }

    private void Recurse(int node, ReadOnlySpan<double> x, ReadOnlySpan<double> b, Span<double> phi, Workspace ws, int positives, int negatives, double scale)
    {
        var e = _ensemble;
        while (e.Mode[node] != NodeMode.Leaf)
        {
            int f = _nodePlayer[node];
            int xNext = e.Next(node, x);
            switch (ws.State[f])
            {
                case 1:
                    node = xNext;
                    continue;
                case 2:
                    node = e.Next(node, b);
                    continue;
            }

            int bNext = e.Next(node, b);
            if (xNext == bNext)
            {
                node = xNext;
                continue;
            }

            // The paths of x and b part here: the leaf below is reached by coalitions that contain f (x side) or not (b side).
            ws.State[f] = 1;
            ws.Positive[positives] = f;
            Recurse(xNext, x, b, phi, ws, positives + 1, negatives, scale);
            ws.State[f] = 2;
            ws.Negative[negatives] = f;
            Recurse(bNext, x, b, phi, ws, positives, negatives + 1, scale);
            ws.State[f] = 0;
            return;
        }

        if (positives + negatives == 0)
        {
            return; // f(b) itself: part of the base value.
        }

        int outputs = e.OutputCount;
        var values = e.LeafValues.AsSpan(node * outputs, outputs);
        if (positives > 0)
        {
            double w = _weight[positives - 1, negatives] * scale;
            for (int i = 0; i < positives; i++)
            {
                int f = ws.Positive[i];
                for (int o = 0; o < outputs; o++)
                {
                    phi[(f * outputs) + o] += w * values[o];
                }
            }
        }

        if (negatives > 0)
        {
            double w = _weight[positives, negatives - 1] * scale;
            for (int i = 0; i < negatives; i++)
            {
                int f = ws.Negative[i];
                for (int o = 0; o < outputs; o++)
                {
                    phi[(f * outputs) + o] -= w * values[o];
                }
            }
        }
    }

    private static double Factorial(int n)
    {
        double f = 1;
        for (int i = 2; i <= n; i++)
        {
            f *= i;
        }

        return f;
    }
}
