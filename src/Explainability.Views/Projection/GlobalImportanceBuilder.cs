using System.Globalization;
using Explainability.Views.Policies;
using Explainability.Views.Rendering;

namespace Explainability.Views.Projection;

/// <summary>
/// Builds the <see cref="GlobalImportance"/> context of a view from <see cref="ExplanationContext.Reference"/>: per
/// reference row, each feature's SHAP value in the view's unit (rescaled by that row's own proportional factor when the
/// view shows probability points, as the single case is), summed per feature group when the policy groups, then the mean
/// of the absolute sums over rows (Lundberg et al. 2020, global importance as mean |SHAP|). Features hidden from the
/// audience are excluded before summing, so no item carries their attribution.
/// </summary>
public static class GlobalImportanceBuilder
{
    /// <summary>The picture, or null when the policy does not ask for it or the context has no reference attributions.</summary>
    /// <exception cref="ArgumentException">The reference attributions' features are not the card's, in order.</exception>
    /// <param name="context">The context; its <see cref="ExplanationContext.Reference"/> and card are used.</param>
    /// <param name="policy">The policy: context flag, grouping and language.</param>
    /// <param name="draft">The final draft: its unit, whether it was rescaled, and the withheld features.</param>
    public static GlobalImportance? Build(ExplanationContext context, AudiencePolicy policy, ViewDraft draft)
    {
        if (!policy.Context.HasFlag(ContextBlocks.GlobalImportance) || context.Reference is not { } reference)
        {
            return null;
        }

        var card = context.Card;
        int n = reference.FeatureNames.Count, rows = reference.RowCount;
        if (n != card.Features.Count || Enumerable.Range(0, n).Any(f => reference.FeatureNames[f] != card.Features[f].Name))
        {
            throw new ArgumentException($"the reference attributions' features ({string.Join(", ", reference.FeatureNames)}) are not model card '{card.Id}''s features in order", nameof(context));
        }

        bool rescaled = draft.ScaleMethod is not null;
        var members = new List<(string Key, string Label, List<int> Features)>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int f = 0; f < n; f++)
        {
            var feature = card.Features[f];
            if (draft.WithheldFeatures.Contains(feature.Name))
            {
                continue;
            }

            // As GroupByFeatureGroup does for the case: a group with one shown member stays that feature.
            bool grouped = policy.GroupByFeatureGroup && feature.Group.Length > 0
                && card.Features.Count(g => g.Group == feature.Group && !draft.WithheldFeatures.Contains(g.Name)) > 1;
            string key = grouped ? "group:" + feature.Group : feature.Name;
            if (!byKey.TryGetValue(key, out int index))
            {
                index = members.Count;
                byKey[key] = index;
                members.Add((key, grouped ? feature.Group : DraftBuilder.Label(feature, policy.Language), []));
            }

            members[index].Features.Add(f);
        }

        var values = new double[members.Count];
        for (int r = 0; r < rows; r++)
        {
            double scale = rescaled ? reference.ProbabilityScale[r] : 1;
            for (int m = 0; m < members.Count; m++)
            {
                double sum = 0;
                foreach (int f in members[m].Features)
                {
                    sum += reference.Phi[(r * n) + f];
                }

                values[m] += Math.Abs(sum * scale);
            }
        }

        double max = 0;
        for (int m = 0; m < values.Length; m++)
        {
            values[m] = rows > 0 ? values[m] / rows : 0;
            max = Math.Max(max, values[m]);
        }

        var items = members
            .Select((x, m) => new GlobalImportanceItem
            {
                Key = x.Key,
                Label = x.Label,
                Features = [.. x.Features.Select(f => card.Features[f].Name)],
                FeatureLabels = [.. x.Features.Select(f => DraftBuilder.Label(card.Features[f], policy.Language))],
                Value = values[m],
                Fraction = max > 0 ? values[m] / max : 0,
                Bar = TextBar.Horizontal(max > 0 ? values[m] / max : 0),
            })
            .OrderByDescending(i => i.Value)
            .ThenBy(i => i.Key, StringComparer.Ordinal)
            .ToList();
        string how = rescaled && draft.RescaledFromMargin
            ? $"each row's {draft.ExplanationUnit} values rescaled into {draft.Unit} by that row's own proportional factor, as for this case"
            : rescaled ? $"values in {draft.Unit}" : $"values in {draft.Unit}, not rescaled";
        return new GlobalImportance
        {
            Unit = draft.Unit,
            Method = string.Create(CultureInfo.InvariantCulture,
                $"mean |SHAP| over {reference.Source} ({reference.Method}){(policy.GroupByFeatureGroup ? ", summed per feature group in each row before taking |.|" : "")}; {how}"),
            RowCount = rows,
            WithheldFeatureCount = draft.WithheldFeatures.Count,
            Items = items,
        };
    }
}
