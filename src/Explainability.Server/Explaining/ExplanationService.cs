using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Core.Shap;
using Explainability.Onnx;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.ModelCards;

namespace Explainability.Server.Explaining;

/// <summary>
/// The main job, shared by the gRPC service and the command line: validate raw rows against the model card,
/// compute exact TreeSHAP on the raw features, check the model output against ONNX Runtime, and render audience views.
/// </summary>
public sealed class ExplanationService(ViewService views)
{
    /// <summary>The view service used for projection and rendering.</summary>
    public ViewService Views { get; } = views;

    /// <summary>Explains <paramref name="rows"/> of <paramref name="model"/>.</summary>
    /// <exception cref="InputException">A feature is missing or unknown, a value has the wrong type, or a category was never seen.</exception>
    /// <exception cref="ArgumentException">An unknown output space, or a method that needs a background the model lacks.</exception>
    /// <exception cref="UnsupportedModelException">The model has no tree ensemble TreeSHAP can explain.</exception>
    /// <exception cref="RuntimeDisagreementException">Link(margin) differs from ONNX Runtime's served output beyond
    /// <see cref="RuntimeCrossCheck"/>'s tolerance.</exception>
    public static ExplainOutcome Explain(LoadedModel model, FeatureTable rows, ExplainOptions options, FeatureTable? backgroundOverride = null)
    {
        if (!string.Equals(options.OutputSpace, "margin", StringComparison.Ordinal))
        {
            throw new ArgumentException($"output space '{options.OutputSpace}' is not available: exact TreeSHAP explains the margin (log-odds for classifiers); use 'margin'");
        }

        var tree = model.Onnx.TreeModel ?? throw new UnsupportedModelException(
            $"model '{model.Id}' cannot be explained with TreeSHAP: {model.Onnx.TreeModelUnavailableReason}");
        Validate(model.Card, rows, options.AllowExtraColumns, model.Onnx.OffsetColumnNames);
        var columns = model.Onnx.ComputeColumns(rows, allowExtraColumns: options.AllowExtraColumns);
        // A per-row offset (casebook C11) is its own additive term: added to the margins, never to the base value.
        var offsets = model.Onnx.ComputeOffsets(rows, allowExtraColumns: options.AllowExtraColumns);
        var background = backgroundOverride is null
            ? model.BackgroundColumns ?? []
            : model.Onnx.ComputeColumns(backgroundOverride, allowExtraColumns: true);
        var explanation = TreeShapExplainer.Explain(
            tree.Ensemble, tree.FeatureMap, tree.Link, tree.OutputNames, columns, background, options.Method, options.DegreeOfParallelism,
            offsets, tree.OffsetInputs);

        var served = model.Onnx.RunServedOutput(rows, allowExtraColumns: options.AllowExtraColumns);
        double maxError = RuntimeCrossCheck.Check(tree.Ensemble, tree.Link, columns, explanation.ModelOutputs, served, model.OutputNames);
        var parameters = new Dictionary<string, string>(explanation.Parameters, StringComparer.Ordinal)
        {
            ["model_id"] = model.Id,
            ["model_version"] = model.Version,
            ["model_sha256"] = model.Sha256,
            ["link"] = tree.Link.ToString().ToLowerInvariant(),
            ["runtime_max_abs_error"] = maxError.ToString("G3", CultureInfo.InvariantCulture),
        };
        return new ExplainOutcome(model, rows, explanation with { Parameters = parameters, OutputNames = model.OutputNames }, maxError);
    }

    /// <summary>Projects and renders row <paramref name="row"/> of <paramref name="outcome"/> for <paramref name="audience"/>.</summary>
    /// <exception cref="ArgumentException">Unknown audience or format (the message lists the known ones), or the customer
    /// audience for a model without a model card.</exception>
    public RenderedView Render(ExplainOutcome outcome, int row, string audience, string format = "text", string? language = null)
    {
        if (outcome.Model.CardIsDerived && string.Equals(audience, Audiences.Customer, StringComparison.Ordinal))
        {
            // Without a card no feature is known to be protected or internal, and the outcome has no wording a customer can read.
            throw new ArgumentException($"the customer audience needs a model card: model '{outcome.Model.Id}' has none, so no feature is known to be protected or internal");
        }

        var explanation = outcome.Explanation;
        var context = ExplanationContext.Create(
            explanation, row, ExplanationContext.PositiveOutput(explanation, outcome.Model.Card), outcome.Model.Card, outcome.Inputs, outcome.Model.Background);
        var projection = Views.ProjectWithRecord(context, audience, language);
        return new RenderedView(row, audience, format, Views.Render(projection.View, format), projection.View, projection.Record);
    }

    /// <summary>Checks raw rows against the model card before anything runs.</summary>
    /// <param name="card">The model card; its features are required.</param>
    /// <param name="rows">The raw rows.</param>
    /// <param name="allowExtraColumns">Whether columns that are neither a feature nor an offset are ignored rather than refused.</param>
    /// <param name="offsetColumns">Columns of the model's per-row offset inputs (<see cref="OnnxModel.OffsetColumnNames"/>):
    /// required and numeric, but no feature of the card.</param>
    /// <exception cref="InputException">The first problem found, naming the feature, the row and what was expected: also an
    /// infinite number, and a categorical feature without a value.</exception>
    public static void Validate(ModelCard card, FeatureTable rows, bool allowExtraColumns, IReadOnlyList<string>? offsetColumns = null)
    {
        offsetColumns ??= [];
        var known = card.Features.Select(f => f.Name).Concat(offsetColumns).ToHashSet(StringComparer.Ordinal);
        if (!allowExtraColumns)
        {
            foreach (var column in rows.Columns)
            {
                if (!known.Contains(column))
                {
                    throw new InputException(column, $"unknown feature {MessageText.Quote(column)} for model '{card.Id}'; its features are: {string.Join(", ", known)}");
                }
            }
        }

        if (rows.RowCount == 0)
        {
            throw new InputException("no rows to explain");
        }

        foreach (string offset in offsetColumns)
        {
            int c = rows.IndexOf(offset);
            if (c < 0)
            {
                throw new InputException(offset, $"missing offset '{offset}' for model '{card.Id}': the model adds it to its margin per row, so it is required");
            }

            for (int r = 0; r < rows.RowCount; r++)
            {
                var value = rows[r, c];
                if (value.IsText)
                {
                    throw new InputException(offset, $"row {r}: offset '{offset}' is numeric, got the text {MessageText.Quote(value.Text!)}");
                }

                // The offset is added to the margin as it is: a missing or infinite one has no meaning the model defines.
                if (!double.IsFinite(value.Number))
                {
                    throw new InputException(offset, $"row {r}: offset '{offset}' must be a finite number, got {(value.IsMissing ? "a missing value" : value.Number.ToString(CultureInfo.InvariantCulture))}");
                }
            }
        }

        foreach (var feature in card.Features)
        {
            int c = rows.IndexOf(feature.Name);
            if (c < 0)
            {
                throw new InputException(feature.Name, $"missing feature '{feature.Name}' for model '{card.Id}'");
            }

            for (int r = 0; r < rows.RowCount; r++)
            {
                var value = rows[r, c];
                if (!value.IsText && !value.IsMissing && !double.IsFinite(value.Number))
                {
                    throw new InputException(feature.Name, $"row {r}: feature '{feature.Name}' is not finite: got {value.Number.ToString(CultureInfo.InvariantCulture)}; expected a finite number (NaN or an empty cell for a missing value)");
                }

                // A missing category would become an all-zero one-hot the model never saw in training; a missing number is
                // routed by the model's own NaN semantics, so it stays allowed.
                if (feature.Type == "categorical" && value.IsMissing)
                {
                    throw new InputException(feature.Name, $"row {r}: feature '{feature.Name}' is categorical and has no value; expected one of its categories");
                }

                if (feature.Type == "numeric" && value.IsText)
                {
                    throw new InputException(feature.Name, $"row {r}: feature '{feature.Name}' is numeric, got the text {MessageText.Quote(value.Text)}");
                }

                if (feature.Type == "categorical" && !value.IsText && !value.IsMissing)
                {
                    throw new InputException(feature.Name, $"row {r}: feature '{feature.Name}' is categorical, got the number {value}");
                }

                if (feature.Type == "categorical" && value.IsText && feature.Categories is { Count: > 0 } categories && !categories.ContainsKey(value.Text!))
                {
                    throw new InputException(feature.Name, $"row {r}: category {MessageText.Quote(value.Text)} of feature '{feature.Name}' was never seen in training; known categories: {string.Join(", ", categories.Keys)}");
                }
            }
        }
    }
}
