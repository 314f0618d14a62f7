using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Views.ModelCards;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>Builds the first draft of a view: every feature with its phi in the explanation's own space, and the context the policy asks for.</summary>
public static class DraftBuilder
{
    /// <summary>The full-fidelity draft of <paramref name="context"/>'s row and output under <paramref name="policy"/>'s language and context blocks.</summary>
    public static ViewDraft Start(ExplanationContext context, AudiencePolicy policy)
    {
        var e = context.Explanation;
        int r = context.Row, o = context.Output;
        var items = new List<DraftItem>(e.FeatureCount);
        var phi = new Dictionary<string, double>(StringComparer.Ordinal);
        var withheld = new HashSet<string>(StringComparer.Ordinal);
        double total = 0;
        for (int f = 0; f < e.FeatureCount; f++)
        {
            var card = context.Card.Features[f];
            double value = e.Phi(r, f, o);
            phi[card.Name] = value;
            total += Math.Abs(value);
            if (card.Tags.Any(t => policy.HiddenTags.Contains(t, StringComparer.Ordinal)))
            {
                withheld.Add(card.Name);
            }

            string label = Label(card, policy.Language);
            var raw = context.InputValue(card.Name);
            bool categorical = card.Type == "categorical";
            (double? percent, string? kind) = policy.Context.HasFlag(ContextBlocks.Percentiles) && context.Background is not null
                ? Percentiles.Of(context.Background, card.Name, raw, categorical)
                : (null, null);
            items.Add(new DraftItem
            {
                Key = card.Name,
                Label = label,
                Features = [card.Name],
                FeatureLabels = [label],
                Value = value,
                StandardError = e.StandardErrors?[(((r * e.FeatureCount) + f) * e.OutputCount) + o],
                Tags = card.Tags,
                Group = card.Group,
                CaseValue = policy.Context.HasFlag(ContextBlocks.CaseValues) ? ValueText(card, raw, policy.Language) : null,
                Percentile = percent,
                PercentileKind = kind,
                Description = policy.Context.HasFlag(ContextBlocks.Descriptions) && card.Description.Length > 0 ? card.Description : null,
                Reason = policy.Context.HasFlag(ContextBlocks.Descriptions) ? ReasonOf(card, policy.Language) : null,
                ActionableDirection = policy.Context.HasFlag(ContextBlocks.ActionableHints) && card["actionable"] ? card.ActionableDirection : null,
            });
        }

        var bases = new double[e.OutputCount];
        var outputs = new double[e.OutputCount];
        for (int k = 0; k < e.OutputCount; k++)
        {
            bases[k] = e.Base(r, k);
            outputs[k] = e.Output(r, k);
        }

        var others = new List<string>();
        double otherAbs = 0;
        for (int k = 0; k < e.OutputCount; k++)
        {
            if (k == o)
            {
                continue;
            }

            others.Add(e.OutputNames[k]);
            for (int f = 0; f < e.FeatureCount; f++)
            {
                otherAbs += Math.Abs(e.Phi(r, f, k));
            }
        }

        string unit = e.OutputSpace == OutputSpace.Margin ? Units.Margin(e.Link) : Units.ExplanationProbability(e.Link);
        return new ViewDraft
        {
            OtherOutputs = others,
            OtherOutputsAbsPhi = otherAbs,
            Items = items,
            FeaturePhi = phi,
            WithheldFeatures = withheld,
            TotalAbsPhi = total,
            Scale = e.OutputSpace == OutputSpace.Margin ? OutputScale.Margin : OutputScale.Probability,
            Unit = unit,
            ScoreUnit = unit,
            BaseValue = bases[o],
            ModelOutput = outputs[o],
            Link = e.Link,
            ExplanationSpace = e.OutputSpace,
            OutputIndex = o,
            RowBaseValues = bases,
            RowOutputs = outputs,
            Probability = ProbabilityOf(e, outputs, o),
            DecisionThreshold = Units.IsProbability(e.Link) ? context.Card.Output.DecisionThreshold : null,
            Method = e.Method,
            Parameters = e.Parameters,
            AdditivityResidual = e.AdditivityResiduals[(r * e.OutputCount) + o],
            Offset = e.Offsets is null ? null : e.Offset(r, o),
            ExplanationOffset = e.Offsets is null ? null : e.Offset(r, o),
            OffsetSource = e.Offsets is null ? null : OffsetSource(e.OffsetInputs),
            ExplanationUnit = unit,
        };
    }

    /// <summary>Where an explanation's offset comes from, in words: <c>input 'offset'</c>, <c>inputs 'a', 'b'</c>.</summary>
    public static string OffsetSource(IReadOnlyList<string>? inputs) => inputs is not { Count: > 0 }
        ? "model inputs"
        : (inputs.Count == 1 ? "input " : "inputs ") + string.Join(", ", inputs.Select(i => $"'{i}'"));

    /// <summary>The display name of <paramref name="card"/> in <paramref name="language"/>, falling back to English, then the raw name.</summary>
    public static string Label(FeatureCard card, string language) =>
        LanguageFallback.TryGet(card.DisplayName, language, out var name) ? name : card.Name;

    private static double? ProbabilityOf(Explanation e, double[] outputs, int o)
    {
        if (!Units.IsProbability(e.Link))
        {
            return null;
        }

        if (e.OutputSpace == OutputSpace.Probability)
        {
            return outputs[o];
        }

        var p = new double[outputs.Length];
        Link.Apply(e.Link, outputs, p);
        return p[o];
    }

    /// <summary>The reason statement of <paramref name="card"/> in <paramref name="language"/>, falling back to English; null when the card has none.</summary>
    public static string? ReasonOf(FeatureCard card, string language) =>
        LanguageFallback.TryGet(card.Reason, language, out var text) ? text : null;

    /// <summary>A raw value as a person reads it: the category's label (in <paramref name="language"/> when the card
    /// translates it, else English), or the number with the unit (translated likewise); <c>missing</c> for a missing value.</summary>
    public static string ValueText(FeatureCard card, Core.Data.FeatureValue raw, string language = "en")
    {
        if (raw.IsMissing)
        {
            return "missing";
        }

        // Category labels in English are the card's own; a translation is used for the language or its primary subtag.
        var translation = LanguageFallback.TryGet(card.Translations, language, out var tr) ? tr : null;
        if (card.Type == "categorical")
        {
            string key = raw.ToString();
            return translation?.Categories is { } local && local.TryGetValue(key, out var translated) ? translated
                : card.Categories is not null && card.Categories.TryGetValue(key, out var label) ? label : key;
        }

        if (raw.IsText)
        {
            return raw.Text!;
        }

        string number = raw.Number.ToString("G6", CultureInfo.InvariantCulture);
        string unit = translation?.Unit ?? card.Unit;
        return unit.Length > 0 ? $"{number} {unit}" : number;
    }
}
