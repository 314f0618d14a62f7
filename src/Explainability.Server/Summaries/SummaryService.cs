using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Shap;
using Explainability.Core.Summaries;
using Explainability.Onnx;
using Explainability.Server.Explaining;
using Explainability.Server.Models;

namespace Explainability.Server.Summaries;

/// <summary>
/// Global summaries of a model over a dataset, for the <c>Summarize</c> RPC and the <c>summarize</c> command: the rows are
/// explained in chunks by <see cref="ExplanationService.Explain"/> (the same path as <c>explain</c>), the explained output's
/// SHAP values are summarized per feature and per the card's feature groups (<see cref="GlobalSummarizer"/>), with
/// path-dependent TreeSHAP interaction values of the top features (<see cref="TreeShapInteractions"/>) and cohorts.
/// </summary>
public static class SummaryService
{
    private const string RuntimeErrorParameter = "runtime_max_abs_error";

    /// <summary>Summarizes <paramref name="rows"/> of <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="rows">The rows, <c>[R, columns]</c>; at least one.</param>
    /// <param name="options">Method, bins, interactions, cohort column, chunk size.</param>
    /// <returns>The summary of the explained output (<see cref="LoadedModel.ExplainedOutput"/>) in the explanation's space.</returns>
    /// <exception cref="ArgumentException">No rows; bins outside 1..<see cref="SummaryOptions.MaxBins"/>; negative interactions;
    /// interactions with a method other than <c>tree_path_dependent</c>; a chunk size below 1; or as
    /// <see cref="ExplanationService.Explain"/>.</exception>
    /// <exception cref="InputException">The cohort column is not a column of the rows (the message names it and lists them);
    /// or bad rows, as <see cref="ExplanationService.Explain"/>.</exception>
    /// <exception cref="UnsupportedModelException">The method needs a model the model does not have.</exception>
    public static SummaryOutcome Summarize(LoadedModel model, FeatureTable rows, SummarizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var summaryOptions = new SummaryOptions(options.Bins, Groups(model));
        Validate(rows, options);
        int cohortColumn = options.CohortColumn is null ? -1 : rows.IndexOf(options.CohortColumn);
        if (options.CohortColumn is not null && cohortColumn < 0)
        {
            throw new InputException(options.CohortColumn,
                $"cohort column {MessageText.Quote(options.CohortColumn)} is not a column of the input; its columns are: {string.Join(", ", rows.Columns)}");
        }

        // Pass 1: the SHAP values of every chunk; the top features are known only once all rows are explained.
        var chunks = new List<(FeatureTable Rows, Core.Explanations.Explanation Explanation)>();
        double runtimeError = 0;
        for (int start = 0; start < rows.RowCount; start += options.ChunkRows)
        {
            var chunk = rows.SelectRows(Enumerable.Range(start, Math.Min(options.ChunkRows, rows.RowCount - start)));
            var explained = ExplanationService.Explain(model, chunk, options.Explain);
            runtimeError = Math.Max(runtimeError, explained.RuntimeMaxAbsoluteError);
            chunks.Add((chunk, explained.Explanation));
        }

        var first = chunks[0].Explanation;

        // Every chunk records the same parameters but its own agreement with ONNX Runtime: the summary reports the worst.
        var parameters = new Dictionary<string, string>(first.Parameters, StringComparer.Ordinal);
        if (parameters.ContainsKey(RuntimeErrorParameter))
        {
            parameters[RuntimeErrorParameter] = runtimeError.ToString("G3", CultureInfo.InvariantCulture);
        }

        int output = model.ExplainedOutput(first);
        var data = SummaryData.Concat([.. chunks.Select(c => SummaryData.From(c.Explanation, output, c.Rows))]);
        if (options.Interactions > 0)
        {
            if (first.Method != MethodNames.TreePathDependent)
            {
                throw new ArgumentException($"interaction values are computed with {MethodNames.TreePathDependent} TreeSHAP; the method is {first.Method}: ask for method {MethodNames.TreePathDependent} or no interactions");
            }

            // Pass 2: interaction values of the top features, chunk by chunk, on the same prepared explainer.
            var top = GlobalSummarizer.TopFeatures(data, options.Interactions);
            var prepared = model.PreparedTreeShap(TreeShapMethod.PathDependent);
            data = SummaryData.Concat([.. chunks.Select(c =>
            {
                var columns = model.Onnx.ComputeColumns(c.Rows, allowExtraColumns: options.Explain.AllowExtraColumns);
                var interactions = TreeShapInteractions.Compute(prepared, c.Explanation.OutputNames, columns, top, options.Explain.DegreeOfParallelism);
                return SummaryData.From(c.Explanation, output, c.Rows, interactions);
            })]);
        }

        var whole = GlobalSummarizer.Summarize(data, summaryOptions);
        var cohorts = cohortColumn < 0
            ? []
            : GlobalSummarizer.Cohorts(data, summaryOptions, [.. Enumerable.Range(0, rows.RowCount).Select(r => rows[r, cohortColumn].ToString())]);
        double baseValue = chunks.Sum(c => Enumerable.Range(0, c.Explanation.RowCount).Sum(r => c.Explanation.BaseValues[(r * c.Explanation.OutputCount) + output])) / rows.RowCount;
        return new SummaryOutcome(model, parameters, whole, options.CohortColumn, cohorts, baseValue, first.Link, data);
    }

    /// <summary>The card's feature groups, in the order of their first member: every named group, with its members.</summary>
    /// <param name="model">The model whose card to read.</param>
    public static IReadOnlyList<FeatureGroup> Groups(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.Card.Features.Where(f => f.Group.Length > 0).GroupBy(f => f.Group, StringComparer.Ordinal)
            .Select(g => new FeatureGroup(g.Key, [.. g.Select(f => f.Name)]))];
    }

    private static void Validate(FeatureTable rows, SummarizeOptions options)
    {
        if (rows.RowCount == 0)
        {
            throw new ArgumentException("no rows to summarize; expected at least one");
        }

        if (options.Bins < 1 || options.Bins > SummaryOptions.MaxBins)
        {
            throw new ArgumentException($"bins is {options.Bins}; expected 1..{SummaryOptions.MaxBins}");
        }

        if (options.Interactions < 0)
        {
            throw new ArgumentException($"interactions is {options.Interactions}; expected 0 (none) or the number of top features");
        }

        if (options.ChunkRows < 1)
        {
            throw new ArgumentException($"chunk rows is {options.ChunkRows}; expected at least 1");
        }
    }
}
