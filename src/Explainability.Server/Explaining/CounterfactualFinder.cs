using Explainability.Core.Counterfactuals;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Onnx;
using Explainability.Server.Models;
using Explainability.Views.Context;
using Explainability.Views.ModelCards;
using Explainability.Views.Policies;

namespace Explainability.Server.Explaining;

/// <summary>
/// Counterfactual suggestions for one case of a loaded model: candidate values of the card's <c>actionable</c> features in
/// their allowed direction (never of a feature the audience may not see), searched by <see cref="CounterfactualSearch"/> on
/// ONNX Runtime's served probability (batched through <see cref="OnnxBlackBox"/>), and every suggestion found re-scored
/// through ONNX Runtime on raw rows before it is kept.
/// </summary>
/// <remarks>
/// <para>Candidates. Numeric: the background's values at the quantiles 0, 0.05, ..., 1 (nearest rank), those beyond the
/// case's value in the allowed direction; cost = the change of the value's mid-rank percentile in the background (0..1), so
/// a change is as large as the share of typical cases it passes. Categorical: the card's categories after the case's
/// (<c>increase</c>), before it (<c>decrease</c>) or all others (<c>any</c>), in the card's <c>actionableOrder</c> (else its
/// category order), lowest first; a case whose category is not in that order gets no suggestion for the feature;
/// cost = the number of steps in that order over (categories - 1).</para>
/// <para>Only an adverse outcome (served probability at or above the card's threshold) is searched: a favourable one needs
/// no change, and suggesting how to be declined helps nobody.</para>
/// </remarks>
public static class CounterfactualFinder
{
    /// <summary>The quantile grid numeric candidates are drawn from.</summary>
    public static IReadOnlyList<double> Quantiles { get; } = [.. Enumerable.Range(0, 21).Select(i => i / 20.0)];

    /// <summary>Searches and verifies counterfactuals of row <paramref name="inputRow"/> of <paramref name="inputs"/>.</summary>
    /// <param name="model">The model, with a card and a background.</param>
    /// <param name="inputs">Raw rows (card features by name).</param>
    /// <param name="inputRow">The case.</param>
    /// <param name="policy">The audience's policy: features carrying its hidden tags are never changed.</param>
    /// <param name="options">Search bounds; null for <see cref="CounterfactualSearchOptions"/>' defaults.</param>
    /// <returns>The verified findings, or null when the outcome is favourable, the model has no background or no
    /// probability output with the card's positive class.</returns>
    /// <exception cref="InputException">A value of the case cannot be encoded.</exception>
    public static CounterfactualFindings? Find(LoadedModel model, FeatureTable inputs, int inputRow, AudiencePolicy policy, CounterfactualSearchOptions? options = null)
    {
        var card = model.Card;
        if (model.Background is not { } background || model.Onnx.OffsetColumnNames.Count > 0)
        {
            return null;
        }

        var categories = card.Features.Where(f => f.Categories is { Count: > 0 })
            .ToDictionary(f => f.Name, f => (IReadOnlyList<string>)[.. f.Categories!.Keys], StringComparer.Ordinal);
        var codec = RawFeatureCodec.For(model.Onnx, background, categories);
        var blackBox = model.Onnx.AsBatchModel(codec, OutputSpace.Probability, options?.BatchSize ?? OnnxModel.DefaultBatchSize);
        int output = PositiveOutput(blackBox.OutputNames, card);
        if (output < 0)
        {
            return null;
        }

        var caseTable = inputs.SelectRows([inputRow]);
        var encoded = codec.Encode(caseTable);
        double threshold = card.Output.DecisionThreshold;
        var original = new double[blackBox.OutputCount];
        blackBox.Predict(encoded, original);
        if (original[output] < threshold)
        {
            return null;
        }

        var candidates = Candidates(card, codec, background, caseTable, policy);
        var result = CounterfactualSearch.Search(blackBox, encoded, output, threshold, candidates, options);

        // Independent check: rebuild each suggestion as a raw row and score it through ONNX Runtime's served output.
        var suggestions = new List<IReadOnlyList<CounterfactualChange>>();
        int rejected = 0;
        foreach (var found in result.Found)
        {
            var changes = found.Changes.Select(c => new CounterfactualChange(
                codec.FeatureNames[c.Feature], codec.Decode(c.Feature, encoded[c.Feature]), codec.Decode(c.Feature, c.Value))).ToList();
            if (Rescore(model, codec, caseTable, changes, output) < threshold)
            {
                suggestions.Add(changes);
            }
            else
            {
                rejected++;
            }
        }

        return new CounterfactualFindings(suggestions, result.BudgetExhausted, result.Evaluations, rejected, candidates.Count);
    }

    /// <summary>The served positive-class probability of <paramref name="caseTable"/> (one row) with <paramref name="changes"/>
    /// applied, by a separate ONNX Runtime call on the raw row: the explained output's own path when a tree ensemble or
    /// linear model was read, else a fresh black box over the served output (not the search's batches).</summary>
    /// <param name="model">The model.</param>
    /// <param name="codec">Encodes raw values for a black-box model.</param>
    /// <param name="caseTable">The case, one raw row.</param>
    /// <param name="changes">The changes to apply.</param>
    /// <param name="output">The positive class's index among the served outputs.</param>
    public static double Rescore(LoadedModel model, RawFeatureCodec codec, FeatureTable caseTable, IReadOnlyList<CounterfactualChange> changes, int output)
    {
        var cells = (FeatureValue[])caseTable.Cells.Clone();
        foreach (var change in changes)
        {
            cells[caseTable.IndexOf(change.Feature)] = change.To;
        }

        var changed = new FeatureTable(caseTable.Columns, cells);
        var served = model.Onnx.TreeModel is not null || model.Onnx.LinearModel is not null
            ? model.Onnx.RunServedOutput(changed, allowExtraColumns: true)
            : model.Onnx.AsBatchModel(codec).Predict(changed);
        return served.Length == 1 ? served[0] : served[output];
    }

    /// <summary>The allowed candidate values of every actionable, visible feature of the case.</summary>
    public static List<CounterfactualCandidate> Candidates(ModelCard card, RawFeatureCodec codec, FeatureTable background, FeatureTable caseTable, AudiencePolicy policy)
    {
        var candidates = new List<CounterfactualCandidate>();
        foreach (var feature in card.Features)
        {
            if (!feature["actionable"] || feature.Tags.Any(t => policy.HiddenTags.Contains(t, StringComparer.Ordinal)))
            {
                continue;
            }

            int f = codec.IndexOf(feature.Name);
            var value = caseTable[0, caseTable.IndexOf(feature.Name)];
            if (f < 0 || value.IsMissing)
            {
                continue;
            }

            string direction = feature.ActionableDirection ?? "any";
            if (feature.Type == "categorical")
            {
                var order = feature.ActionableOrder?.ToList() ?? feature.Categories?.Keys.ToList() ?? [];
                int at = order.IndexOf(value.ToString());
                if (at < 0 || order.Count < 2)
                {
                    continue;
                }

                for (int j = 0; j < order.Count; j++)
                {
                    bool allowed = direction switch { "increase" => j > at, "decrease" => j < at, _ => j != at };
                    if (allowed)
                    {
                        candidates.Add(new CounterfactualCandidate(f, codec.Encode(f, FeatureValue.Of(order[j])), Math.Abs(j - at) / (double)(order.Count - 1)));
                    }
                }

                continue;
            }

            int column = background.IndexOf(feature.Name);
            var numbers = Enumerable.Range(0, background.RowCount).Select(r => background[r, column])
                .Where(v => !v.IsMissing && !v.IsText).Select(v => v.Number).Order().ToArray();
            if (numbers.Length == 0)
            {
                continue;
            }

            double x = value.Number;
            double rank = MidRank(numbers, x);
            foreach (double v in Quantiles.Select(q => numbers[(int)Math.Round(q * (numbers.Length - 1))]).Distinct())
            {
                bool allowed = direction switch { "increase" => v > x, "decrease" => v < x, _ => v != x };
                if (allowed)
                {
                    candidates.Add(new CounterfactualCandidate(f, v, Math.Abs(MidRank(numbers, v) - rank)));
                }
            }
        }

        return candidates;
    }

    private static int PositiveOutput(IReadOnlyList<string> names, ModelCard card)
    {
        if (names.Count == 1)
        {
            return 0;
        }

        return card.Output.PositiveClass is { } positive ? names.ToList().IndexOf(positive) : -1;
    }

    /// <summary>Mid-rank percentile (0..1) of <paramref name="x"/> among the sorted <paramref name="sorted"/>.</summary>
    private static double MidRank(double[] sorted, double x)
    {
        int below = 0, equal = 0;
        foreach (double v in sorted)
        {
            if (v < x)
            {
                below++;
            }
            else if (v == x)
            {
                equal++;
            }
        }

        return (below + (equal / 2.0)) / sorted.Length;
    }
}
