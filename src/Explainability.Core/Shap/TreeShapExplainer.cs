using System.Globalization;
using System.Security.Cryptography;
using Explainability.Core.Explanations;
using Explainability.Core.Trees;

namespace Explainability.Core.Shap;

/// <summary>
/// Explains rows of a tree-ensemble model exactly with TreeSHAP and reports the SHAP values on the raw input
/// features (through a <see cref="FeatureMap"/>), in margin space, as a full-fidelity <see cref="Explanation"/>.
/// </summary>
public static class TreeShapExplainer
{
    /// <summary>Explains <paramref name="rows"/>: <see cref="Prepare"/> then <see cref="Explain(PreparedTreeShap, LinkFunction, IReadOnlyList{string}, ReadOnlySpan{double}, int, double[], IReadOnlyList{string}, CancellationToken)"/>.</summary>
    /// <param name="ensemble">The model in margin space over its input columns. Its covers, if any, are used by the path-dependent method.</param>
    /// <param name="map">Maps the ensemble's input columns to raw features.</param>
    /// <param name="link">The model's link from margin to its served output (recorded, not applied).</param>
    /// <param name="outputNames">Output names, <c>[outputs]</c>.</param>
    /// <param name="rows">Rows to explain, <c>[rows, columns]</c> in the ensemble's input columns.</param>
    /// <param name="background">Background rows <c>[rows, columns]</c>: the expectation for <c>interventional</c>, the
    /// reference rows whose routing gives the covers for <c>tree_path_dependent</c> when the ensemble has none. May be empty
    /// for the path-dependent method when the ensemble carries covers.</param>
    /// <param name="method">The feature perturbation.</param>
    /// <param name="degreeOfParallelism">Threads over rows; 1 for sequential.</param>
    /// <param name="offsets">Per-row offsets added to the margin after the trees, <c>[rows, outputs]</c> in margin space
    /// (casebook C11), or null when the model has none. They are added to the model outputs and reported as
    /// <see cref="Explanation.Offsets"/>; the trees' base values and SHAP values do not depend on them.</param>
    /// <param name="offsetInputs">Names of the model inputs the offsets come from, recorded with them.</param>
    /// <returns>SHAP values <c>[rows, features, outputs]</c>, base values and margins (offsets included) <c>[rows, outputs]</c>, residuals.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, or the method needs a background that is missing (the message says what to supply).</exception>
    public static Explanation Explain(
        TreeEnsemble ensemble,
        FeatureMap map,
        LinkFunction link,
        IReadOnlyList<string> outputNames,
        ReadOnlySpan<double> rows,
        ReadOnlySpan<double> background,
        TreeShapMethod method,
        int degreeOfParallelism = 1,
        double[]? offsets = null,
        IReadOnlyList<string>? offsetInputs = null) =>
        Explain(Prepare(ensemble, map, background, method), link, outputNames, rows, degreeOfParallelism, offsets, offsetInputs);

    /// <summary>
    /// The part of an explanation that depends only on the model, its feature map, the background and the method: covers
    /// counted from the background (path-dependent, when the ensemble has none), the interventional leaf tables, the base
    /// values. Build it once per model and background and explain many requests with it.
    /// </summary>
    /// <param name="ensemble">The model in margin space over its input columns.</param>
    /// <param name="map">Maps the ensemble's input columns to raw features.</param>
    /// <param name="background">Background rows <c>[rows, columns]</c> (see <see cref="Explain(TreeEnsemble, FeatureMap, LinkFunction, IReadOnlyList{string}, ReadOnlySpan{double}, ReadOnlySpan{double}, TreeShapMethod, int, double[], IReadOnlyList{string})"/>).</param>
    /// <param name="method">The feature perturbation.</param>
    /// <exception cref="ArgumentException">The map does not fit the ensemble, or the method needs a background that is missing.</exception>
    public static PreparedTreeShap Prepare(TreeEnsemble ensemble, FeatureMap map, ReadOnlySpan<double> background, TreeShapMethod method)
    {
        int c = ensemble.FeatureCount;
        if (map.ColumnCount != c)
        {
            throw new ArgumentException($"the feature map has {map.ColumnCount} columns, the ensemble {c}", nameof(map));
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["feature_perturbation"] = MethodNames.Of(method),
            ["model_output"] = "margin",
        };
        int backgroundRows = c == 0 ? 0 : background.Length / c;
        if (backgroundRows > 0)
        {
            parameters["background_rows"] = backgroundRows.ToString(CultureInfo.InvariantCulture);
            parameters["background_sha256"] = HashOf(background);
        }

        // Each raw feature is one player: the columns of a one-hot encoded feature enter and leave coalitions together.
        var columnToPlayer = map.ColumnToPlayer();
        int players = map.PlayerCount;
        parameters["players"] = "raw_features";
        if (method == TreeShapMethod.Interventional)
        {
            if (backgroundRows == 0)
            {
                throw new ArgumentException("interventional TreeSHAP needs a background dataset: supply background rows (the model card's background file or --background)");
            }

            var interventional = new TreeShapInterventional(ensemble, background, columnToPlayer, players);
            return new PreparedTreeShap(ensemble, map, method, parameters, null, interventional);
        }

        var withCovers = ensemble;
        if (ensemble.Covers is null)
        {
            if (backgroundRows == 0)
            {
                throw new ArgumentException("path-dependent TreeSHAP needs node covers and this model carries none: supply reference rows (the model card's background file or --background) to count them, or use the interventional method with a background");
            }

            withCovers = ensemble.WithCovers(CoverCounter.Count(ensemble, background), $"counted from {backgroundRows} background rows");
        }

        parameters["covers_source"] = withCovers.CoversSource!;
        parameters["zero_cover_rule"] = CoverCounter.ZeroCoverRule;
        var pathDependent = new TreeShapPathDependent(withCovers, columnToPlayer, players);

        // Which exact algorithm ran: both give the same values to rounding (tested to 1e-9), not to the last bit.
        parameters["algorithm"] = pathDependent.TableEntries > 0 ? "fast_treeshap_v2" : "recursive";
        return new PreparedTreeShap(ensemble, map, method, parameters, pathDependent, null);
    }

    /// <summary>Explains <paramref name="rows"/> with a prepared explainer.</summary>
    /// <param name="prepared">From <see cref="Prepare"/>.</param>
    /// <param name="link">The model's link from margin to its served output (recorded, not applied).</param>
    /// <param name="outputNames">Output names, <c>[outputs]</c>.</param>
    /// <param name="rows">Rows to explain, <c>[rows, columns]</c> in the ensemble's input columns.</param>
    /// <param name="degreeOfParallelism">Threads over rows; 1 for sequential.</param>
    /// <param name="offsets">Per-row offsets added to the margin after the trees, <c>[rows, outputs]</c>, or null.</param>
    /// <param name="offsetInputs">Names of the model inputs the offsets come from, recorded with them.</param>
    /// <param name="cancellationToken">Checked before each row.</param>
    /// <returns>SHAP values <c>[rows, features, outputs]</c>, base values and margins (offsets included) <c>[rows, outputs]</c>, residuals.</returns>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is returned.</exception>
    public static Explanation Explain(
        PreparedTreeShap prepared,
        LinkFunction link,
        IReadOnlyList<string> outputNames,
        ReadOnlySpan<double> rows,
        int degreeOfParallelism = 1,
        double[]? offsets = null,
        IReadOnlyList<string>? offsetInputs = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var ensemble = prepared.Ensemble;
        var map = prepared.Map;
        int c = ensemble.FeatureCount, outputs = ensemble.OutputCount, features = map.FeatureCount, players = map.PlayerCount;
        if (outputNames.Count != outputs)
        {
            throw new ArgumentException($"{outputNames.Count} output names for {outputs} outputs", nameof(outputNames));
        }

        if (c > 0 && rows.Length % c != 0)
        {
            throw new ArgumentException($"{rows.Length} values is not a whole number of rows of {c} columns", nameof(rows));
        }

        int n = c == 0 ? 0 : rows.Length / c;
        if (offsets is not null && offsets.Length != n * outputs)
        {
            throw new ArgumentException($"{offsets.Length} offsets for {n} rows of {outputs} outputs", nameof(offsets));
        }

        var parameters = new Dictionary<string, string>(prepared.Parameters, StringComparer.Ordinal);
        var expected = prepared.ExpectedValue;
        var rowsCopy = rows.ToArray();
        var shap = new double[n * features * outputs];
        var baseValues = new double[n * outputs];
        var margins = new double[n * outputs];
        void ExplainRow(int r, double[] phi, object workspace)
        {
            prepared.ExplainRow(rowsCopy.AsSpan(r * c, c), phi, workspace);

            // Players 0..F-1 are the raw features, in order; a last player (columns depending on no feature) is dropped.
            phi.AsSpan(0, features * outputs).CopyTo(shap.AsSpan(r * features * outputs, features * outputs));
            ensemble.Evaluate(rowsCopy.AsSpan(r * c, c), margins.AsSpan(r * outputs, outputs));
            expected.CopyTo(baseValues.AsSpan(r * outputs, outputs));
        }

        // Checked before every row: a cancelled or expired call stops within one row's TreeSHAP.
        if (n <= 1 || degreeOfParallelism <= 1)
        {
            // One row (a real-time call) or one thread: on the calling thread, without Parallel.For's replicas, each of
            // which would make its own workspace and wake a pool thread for nothing.
            var phi = new double[players * outputs];
            var workspace = prepared.CreateWorkspace();
            for (int r = 0; r < n; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ExplainRow(r, phi, workspace);
            }
        }
        else
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = degreeOfParallelism, CancellationToken = cancellationToken };
            Parallel.For(0, n, options, () => (Phi: new double[players * outputs], Workspace: prepared.CreateWorkspace()), (r, _, buffers) =>
            {
                ExplainRow(r, buffers.Phi, buffers.Workspace);
                return buffers;
            }, _ => { });
        }
        if (offsets is not null)
        {
            for (int i = 0; i < margins.Length; i++)
            {
                margins[i] += offsets[i];
            }

            parameters["offset_inputs"] = string.Join(",", offsetInputs ?? []);
        }

        return new Explanation
        {
            FeatureNames = map.FeatureNames,
            OutputNames = outputNames,
            OutputSpace = OutputSpace.Margin,
            Link = link,
            Method = MethodNames.Of(prepared.Method),
            Parameters = parameters,
            RowCount = n,
            ShapValues = shap,
            BaseValues = baseValues,
            ModelOutputs = margins,
            AdditivityResiduals = Explanation.Residuals(n, features, outputs, shap, baseValues, margins, offsets),
            Offsets = offsets is null ? null : (double[])offsets.Clone(),
            OffsetInputs = offsets is null ? null : offsetInputs ?? [],
        };
    }

    private static string HashOf(ReadOnlySpan<double> values)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
