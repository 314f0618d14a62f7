using System.Globalization;
using Explainability.Onnx;
using Explainability.Server.Models;
using Explainability.Views;

namespace Explainability.Server.Explaining;

/// <summary>
/// Explains a model's reference data (its background rows) once, for the portfolio picture of the business-manager view
/// (<see cref="ReferenceAttributions"/>, <see cref="Views.GlobalImportance"/>). Uses the explainer a request without a
/// method gets (<see cref="ExplainMethods.DefaultFor"/>): path-dependent TreeSHAP for a tree ensemble (cheap: O(T L D^2)
/// per row) and Linear SHAP for a linear model explain every row; a black-box model is explained with KernelSHAP over only
/// as many leading rows as <see cref="MaxModelEvaluations"/> allows (at least one), and the source says how many.
/// </summary>
public static class ReferenceImportance
{
    /// <summary>The most model evaluations the reference explanation of a black-box model may take.</summary>
    public const double MaxModelEvaluations = 1e6;

    /// <summary>The reference attributions of <paramref name="model"/>, or null when it has no background or its background
    /// cannot be explained (for example a model with a per-row offset whose background lacks the offset column).</summary>
    public static ReferenceAttributions? Compute(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Background is not { RowCount: > 0 } background)
        {
            return null;
        }

        var (method, _) = ExplainMethods.DefaultFor(model);
        int rows = background.RowCount;
        if (ExplainMethods.IsModelAgnostic(method))
        {
            int players = model.Onnx.BlackBoxInputNames.Count;
            double perRow = (double)ExplainMethods.DefaultKernelSamples(players) * background.RowCount;
            rows = (int)Math.Clamp(Math.Floor(MaxModelEvaluations / perRow), 1, background.RowCount);
        }

        var table = rows == background.RowCount ? background : background.SelectRows(Enumerable.Range(0, rows));
        try
        {
            var outcome = ExplanationService.Explain(model, table, new ExplainOptions(Method: method, AllowExtraColumns: true));
            var explanation = outcome.Explanation;
            string source = rows == background.RowCount
                ? string.Create(CultureInfo.InvariantCulture, $"{rows} background rows")
                : string.Create(CultureInfo.InvariantCulture, $"the first {rows} of {background.RowCount} background rows (bounded cost of {method})");
            return ReferenceAttributions.From(explanation, model.ExplainedOutput(explanation), source);
        }
        catch (Exception e) when (e is InputException or ArgumentException or UnsupportedModelException)
        {
            return null;
        }
    }
}
