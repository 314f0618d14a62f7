using Explainability.Core.Explanations;

namespace Explainability.Core.Shap;

/// <summary>
/// Path-dependent TreeSHAP interaction values on the raw features (each raw feature one player, as in
/// <see cref="TreeShapExplainer"/>: conditioning on a feature holds all its model columns together).
/// </summary>
/// <remarks>
/// <para>Source: Lundberg et al., "From local explanations to global understanding with explainable AI for trees", Nature
/// Machine Intelligence 2 (2020), Methods, "SHAP interaction values", and the shap library's <c>tree_path_dependent</c>
/// interaction algorithm: for <c>i != j</c>, <c>Phi[j, i] = (phi_i with j always present - phi_i with j always absent) / 2</c>,
/// each side one TreeSHAP pass conditioned on <c>j</c> (<see cref="TreeShapPathDependent.ExplainConditioned"/>);
/// <c>Phi[j, j] = phi_j - sum over i != j of Phi[j, i]</c>. That equals the Shapley interaction index of the
/// path-dependent (cover-weighted) value function, <c>sum over S of |S|! (M - |S| - 2)! / (2 (M - 1)!) *
/// (v(S + i + j) - v(S + i) - v(S + j) + v(S))</c>.</para>
/// <para>Cost: 2 K + 1 TreeSHAP passes per row for K conditioned features, O(K T L D^2).</para>
/// </remarks>
public static class TreeShapInteractions
{
    /// <summary>Computes the interaction matrix rows of the <paramref name="conditioned"/> features for every row.</summary>
    /// <param name="prepared">A path-dependent explainer from <see cref="TreeShapExplainer.Prepare"/>.</param>
    /// <param name="outputNames">Output names, <c>[O]</c>.</param>
    /// <param name="rows">Rows, <c>[rows, columns]</c> in the ensemble's input columns.</param>
    /// <param name="conditioned">Raw feature indices whose matrix rows to compute (for cost: the top features), or null for all.</param>
    /// <param name="degreeOfParallelism">Threads over rows.</param>
    /// <returns>Interaction values <c>[rows, K, features, outputs]</c> in margin space.</returns>
    /// <exception cref="ArgumentException">The explainer is interventional (interaction values are computed for the
    /// path-dependent method only); a conditioned index is outside <c>0..F-1</c> or repeated; shapes disagree.</exception>
    public static ShapInteractionValues Compute(
        PreparedTreeShap prepared,
        IReadOnlyList<string> outputNames,
        ReadOnlySpan<double> rows,
        IReadOnlyList<int>? conditioned = null,
        int degreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(outputNames);
        var tree = prepared.PathDependent ?? throw new ArgumentException(
            $"SHAP interaction values are computed with {MethodNames.TreePathDependent} TreeSHAP; the explainer is {MethodNames.Of(prepared.Method)}", nameof(prepared));
        var map = prepared.Map;
        int c = prepared.Ensemble.FeatureCount, outputs = prepared.Ensemble.OutputCount, features = map.FeatureCount, players = tree.PlayerCount;
        if (outputNames.Count != outputs)
        {
            throw new ArgumentException($"{outputNames.Count} output names for {outputs} outputs", nameof(outputNames));
        }

        if (c > 0 && rows.Length % c != 0)
        {
            throw new ArgumentException($"{rows.Length} values is not a whole number of rows of {c} columns", nameof(rows));
        }

        var chosen = conditioned?.ToArray() ?? [.. Enumerable.Range(0, features)];
        foreach (int j in chosen)
        {
            if ((uint)j >= (uint)features)
            {
                throw new ArgumentException($"conditioned feature index {j} is outside 0..{features - 1}", nameof(conditioned));
            }
        }

        if (chosen.Distinct().Count() != chosen.Length)
        {
            throw new ArgumentException($"conditioned features repeat an index: {string.Join(", ", chosen)}", nameof(conditioned));
        }

        int n = c == 0 ? 0 : rows.Length / c, k = chosen.Length;
        int matrix = k * features * outputs;
        var values = new double[n * matrix];
        var rowsCopy = rows.ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, degreeOfParallelism) };
        Parallel.For(0, n, options, () => new Buffers(players * outputs, tree.CreateWorkspace()), (r, _, b) =>
        {
            var x = rowsCopy.AsSpan(r * c, c);
            tree.Explain(x, b.Phi, b.Workspace);
            var target = values.AsSpan(r * matrix, matrix);
            for (int kk = 0; kk < k; kk++)
            {
                int j = chosen[kk];
                tree.ExplainConditioned(x, b.On, b.Workspace, j, present: true);
                tree.ExplainConditioned(x, b.Off, b.Workspace, j, present: false);
                var rowOf = target.Slice(kk * features * outputs, features * outputs);
                for (int o = 0; o < outputs; o++)
                {
                    double offDiagonal = 0;

                    // Over every player, including the one of columns that depend on no feature, so the row sums to phi_j.
                    for (int i = 0; i < players; i++)
                    {
                        if (i == j)
                        {
                            continue;
                        }

                        double half = (b.On[(i * outputs) + o] - b.Off[(i * outputs) + o]) / 2;
                        offDiagonal += half;
                        if (i < features)
                        {
                            rowOf[(i * outputs) + o] = half;
                        }
                    }

                    rowOf[(j * outputs) + o] = b.Phi[(j * outputs) + o] - offDiagonal;
                }
            }

            return b;
        }, _ => { });

        return new ShapInteractionValues
        {
            FeatureNames = map.FeatureNames,
            OutputNames = outputNames,
            RowCount = n,
            Conditioned = chosen,
            Values = values,
        };
    }

    private sealed class Buffers(int size, TreeShapPathDependent.Workspace workspace)
    {
        public double[] Phi { get; } = new double[size];

        public double[] On { get; } = new double[size];

        public double[] Off { get; } = new double[size];

        public TreeShapPathDependent.Workspace Workspace { get; } = workspace;
    }
}
