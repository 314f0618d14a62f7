using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Drift;
using Explainability.Server.Models;

namespace Explainability.Server.Summaries;

/// <summary>
/// Attribution drift of a model between two datasets, for the <c>Drift</c> RPC and the <c>drift</c> and <c>report</c>
/// commands: both datasets are summarized by <see cref="SummaryService.Summarize"/> with the same options (so the same
/// method, output space and explained output), then <see cref="AttributionDrift.Compare"/> compares their SHAP values per feature.
/// </summary>
public static class DriftService
{
    /// <summary>Compares <paramref name="current"/> against <paramref name="baseline"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="baseline">Baseline rows, <c>[A, columns]</c>; at least one.</param>
    /// <param name="current">Current rows, <c>[C, columns]</c>; at least one.</param>
    /// <param name="options">How both are explained and summarized (method, output space, bins, ...).</param>
    /// <param name="thresholds">When a feature is flagged; null for the defaults.</param>
    /// <param name="names">How messages name the two datasets (the CLI: <c>--baseline a.csv</c>); null for "the baseline
    /// dataset" and "the current dataset".</param>
    /// <returns>Both summaries and the drift of every feature, in the explanation's unit.</returns>
    /// <exception cref="ArgumentException">A threshold is negative or not a number; or as <see cref="SummaryService.Summarize"/>
    /// (the message says which dataset).</exception>
    /// <exception cref="Onnx.InputException">Bad rows, as <see cref="SummaryService.Summarize"/>.</exception>
    /// <exception cref="Onnx.UnsupportedModelException">The method needs a model the model does not have.</exception>
    public static DriftOutcome Compare(
        LoadedModel model, FeatureTable baseline, FeatureTable current, SummarizeOptions options, DriftThresholds? thresholds = null, (string Baseline, string Current)? names = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        thresholds = RequireValid(thresholds ?? new DriftThresholds());
        var a = Summarize(model, baseline, options, names?.Baseline ?? "the baseline dataset");
        var b = Summarize(model, current, options, names?.Current ?? "the current dataset");
        var features = AttributionDrift.Compare(a.Data.FeatureNames, a.Data.Shap, b.Data.Shap, thresholds);
        return new DriftOutcome(a, b, thresholds, features);
    }

    /// <summary>Returns <paramref name="thresholds"/> when every threshold is a number from 0 to its maximum
    /// (<see cref="DriftThresholds.MaxPsi"/>, <see cref="DriftThresholds.MaxRelativeMeanAbsChange"/>, 1 for the share).</summary>
    /// <exception cref="ArgumentException">A threshold is negative, too large or not a number; the message names it.</exception>
    public static DriftThresholds RequireValid(DriftThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        foreach (var (name, value, max) in (ReadOnlySpan<(string, double, double)>)[
            ("psi threshold", thresholds.Psi, DriftThresholds.MaxPsi),
            ("relative mean |SHAP| change threshold", thresholds.RelativeMeanAbsChange, DriftThresholds.MaxRelativeMeanAbsChange),
            ("minimum mean |SHAP| share", thresholds.MinimumMeanAbsShare, 1)])
        {
            if (!(value >= 0) || value > max)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the {name} is {value}; expected a number from 0 to {max}"));
            }
        }

        return thresholds;
    }

    private static SummaryOutcome Summarize(LoadedModel model, FeatureTable rows, SummarizeOptions options, string dataset)
    {
        if (rows.RowCount == 0)
        {
            throw new ArgumentException($"{dataset} has no rows; expected at least one");
        }

        try
        {
            return SummaryService.Summarize(model, rows, options);
        }
        catch (Onnx.InputException e)
        {
            // Two datasets: the message says which one holds the bad row or lacks the column.
            throw new Onnx.InputException(e.FeatureName ?? "", $"{dataset}: {e.Message}");
        }
    }
}
