using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>
/// Runs the projection steps in a fixed order and turns the final draft into an <see cref="AudienceView"/>.
/// Order: governance alerts on the full explanation, the outputs not shown (measured in the explanation's space), scale (so every later loss is measured in the shown unit), then hide tagged features, group, select,
/// hide the per-row offset, hide score, base value, amounts, technical details and uncertainty, and round last (so rounding error is measured on
/// what is shown).
/// </summary>
public static class Projector
{
    private static readonly Func<ViewDraft, AudiencePolicy, StepResult>[] Steps =
    [
        ProtectedShareAlert.Apply,
        ShowOneOutput.Apply,
        RescaleToProbability.Apply,
        HideTagged.Apply,
        GroupByFeatureGroup.Apply,
        TopK.Apply,
        HideOffset.Apply,
        HideScore.Apply,
        DropBaseValue.Apply,
        HideAttributionValues.Apply,
        DropTechnicalDetails.Apply,
        DropUncertainty.Apply,
        Round.Apply,
    ];

    /// <summary>Projects <paramref name="context"/> under <paramref name="policy"/>.</summary>
    /// <param name="context">The explained row and its model card.</param>
    /// <param name="policy">The audience's policy.</param>
    /// <param name="customerPolicy">For a data-scientist view: the customer's policy for the same model, whose selection
    /// <see cref="HiddenReasonAlert"/> recomputes; null for the default customer policy with the card's overrides.</param>
    /// <exception cref="ArgumentException">A policy is invalid.</exception>
    /// <exception cref="InvalidDataException">The card's customer override is invalid.</exception>
    public static ProjectionResult Run(ExplanationContext context, AudiencePolicy policy, AudiencePolicy? customerPolicy = null)
    {
        policy.Validated();
        var draft = DraftBuilder.Start(context, policy);
        if (policy.Audience == Audiences.DataScientist)
        {
            draft = HiddenReasonAlert.Apply(draft, context, customerPolicy ?? PolicyReader.ForModel(AudiencePolicies.Customer, context.Card));
        }

        var entries = new List<OmissionEntry>();
        foreach (var step in Steps)
        {
            var result = step(draft, policy);
            draft = result.Draft;
            entries.AddRange(result.Omissions);
        }

        var record = Summarize(draft, entries);
        var view = ToView(context, policy, draft, Redact(record, draft.WithheldFeatures, draft.ValuesShown));
        return new ProjectionResult(view, record);
    }

    /// <summary>The draft of <paramref name="context"/> under <paramref name="policy"/> as it reaches <see cref="HideTagged"/>:
    /// the same steps in the same order as <see cref="Run"/>, so a derived check sees what that audience's projection saw.</summary>
    public static ViewDraft DraftBeforeHideTagged(ExplanationContext context, AudiencePolicy policy)
    {
        policy.Validated();
        var draft = DraftBuilder.Start(context, policy);
        foreach (var step in Steps.TakeWhile(s => s.Method.Name != nameof(HideTagged.Apply) || s.Method.DeclaringType != typeof(HideTagged)))
        {
            draft = step(draft, policy).Draft;
        }

        return draft;
    }

    /// <summary>The record of <paramref name="entries"/> with the overall loss measured on the final draft. The share of
    /// |phi| not shown is <c>1 - sum over shown items |value| / sum over features |phi|</c>, each item's value taken
    /// unrounded in the explanation's own space (the sum of its features' phi): what the reader sees, so a group whose
    /// members cancel counts only its net value (the cancelled part is also its own <c>grouped</c> entry). Rescaling to
    /// probability multiplies every value by one factor, so the share is the same in the shown unit.</summary>
    public static OmissionRecord Summarize(ViewDraft draft, IReadOnlyList<OmissionEntry> entries)
    {
        double shownAbs = draft.Items.Sum(i => Math.Abs(i.Features.Sum(f => draft.FeaturePhi[f])));
        return new OmissionRecord
        {
            Entries = entries,
            ShareOfAbsPhiNotShown = draft.TotalAbsPhi > 0 ? Math.Max(0, 1 - (shownAbs / draft.TotalAbsPhi)) : 0,
            UnexplainedPart = draft.ModelOutput - draft.BaseValue - draft.ShownOffset - draft.Items.Sum(i => i.Value),
            Unit = draft.Unit,
        };
    }

    /// <summary>The record as an audience may see it: names of <paramref name="withheld"/> features are removed from every
    /// entry and counted in <see cref="OmissionEntry.WithheldFeatureCount"/>; when the audience sees no amounts
    /// (<paramref name="amountsShown"/> false), the unexplained amounts are removed too, since they would reveal the
    /// summed attribution of what was left out. Shares of |phi| stay.</summary>
    public static OmissionRecord Redact(OmissionRecord record, IReadOnlySet<string> withheld, bool amountsShown)
    {
        if (!amountsShown)
        {
            record = record with
            {
                UnexplainedPart = null,
                Entries = [.. record.Entries.Select(e => e with { UnexplainedPart = null })],
            };
        }

        if (withheld.Count == 0)
        {
            return record;
        }

        return record with
        {
            Entries =
            [
                .. record.Entries.Select(e =>
                {
                    var keep = Enumerable.Range(0, e.Features.Count).Where(i => !withheld.Contains(e.Features[i])).ToList();
                    return e with
                    {
                        Features = [.. keep.Select(i => e.Features[i])],
                        FeatureLabels = e.FeatureLabels.Count == e.Features.Count ? [.. keep.Select(i => e.FeatureLabels[i])] : [],
                        WithheldFeatureCount = e.WithheldFeatureCount + e.Features.Count - keep.Count,
                    };
                }),
            ],
        };
    }

    private static AudienceView ToView(ExplanationContext context, AudiencePolicy policy, ViewDraft draft, OmissionRecord omissions)
    {
        var card = context.Card;
        // Order only; the selection already happened in TopK. Rounding may have turned a kept value into 0, which stays shown.
        // Direction selections list the chosen direction first: toward the explained output, or toward the case's outcome.
        int first = policy.Selection switch
        {
            Selection.TopByDirection => 1,
            Selection.TopByDecision => draft.OutcomeSign,
            _ => 0,
        };
        var ordered = first != 0
            ? draft.Items.OrderBy(i => i.Sign == first ? 0 : i.Sign == -first ? 1 : 2).ThenByDescending(i => i.Strength).ThenBy(i => i.Key, StringComparer.Ordinal)
            : draft.Items.OrderByDescending(i => i.Strength).ThenBy(i => i.Key, StringComparer.Ordinal);
        List<ViewItem> items = [.. ordered.Select(i => ToItem(i, draft.ValuesShown))];
        string explainedOutput = context.Explanation.OutputNames[context.Output];
        var shownFeatures = draft.Items.SelectMany(i => i.Features).ToHashSet(StringComparer.Ordinal);
        bool LeftOut(int sign) => draft.FeaturePhi.Any(p => Math.Sign(p.Value) == sign && !shownFeatures.Contains(p.Key) && !draft.WithheldFeatures.Contains(p.Key));
        return new AudienceView
        {
            Audience = policy.Audience,
            Language = policy.Language,
            ModelId = card.Id,
            ModelVersion = card.Version,
            ModelDescription = card.Description,
            OutputDescription = card.Output.Description,
            // The class the view explains when the output is one of the card's classes; a regressor's output is no class.
            PositiveClass = card.Output.Classes.Contains(explainedOutput, StringComparer.Ordinal) ? explainedOutput : card.Output.PositiveClass,
            ExplainedOutput = explainedOutput,
            PositiveOutcome = card.Output.PositiveOutcome,
            NegativeOutcome = card.Output.NegativeOutcome,
            OutcomeIsPositive = draft.OutcomeIsPositive,
            Scale = draft.Scale == OutputScale.Margin ? "margin" : "probability",
            Unit = draft.Unit,
            Decimals = policy.Decimals is int d && (draft.ValuesShown || draft.BaseShown || draft.OutputShown) ? d : null,
            ScoreUnit = draft.ScoreUnit,
            ScaleMethod = draft.ScaleMethod,
            ModelOutput = draft.OutputShown ? draft.ModelOutput : null,
            BaseValue = draft.BaseShown ? draft.BaseValue : null,
            Offset = draft.OffsetShown && draft.ValuesShown ? draft.Offset : null,
            OffsetSource = draft.OffsetShown && draft.ValuesShown ? draft.OffsetSource : null,
            Probability = draft.OutputShown ? draft.Probability : null,
            DecisionThreshold = draft.OutputShown ? draft.DecisionThreshold : null,
            ValuesShown = draft.ValuesShown,
            Items = items,
            Method = draft.TechnicalShown ? draft.Method : null,
            Parameters = draft.TechnicalShown ? draft.Parameters : null,
            AdditivityResidual = draft.TechnicalShown ? draft.AdditivityResidual : null,
            ExplanationUnit = draft.ExplanationUnit,
            RescaledFromMargin = draft.RescaledFromMargin,
            RaisingLeftOut = LeftOut(+1),
            LoweringLeftOut = LeftOut(-1),
            HiddenFactorAmongTop = omissions.Entries.Any(e => e.Kind == OmissionKind.HiddenTagged && e.HiddenAmongTop > 0),
            HiddenFactorsAmongTop = omissions.Entries.Where(e => e.Kind == OmissionKind.HiddenTagged).Sum(e => e.HiddenAmongTop ?? 0),
            RiskBand = draft.OutputShown && draft.Probability is double p ? card.Output.BandOf(p) : null,
            Counterfactuals = ContextProjection.Counterfactuals(context, policy, draft.WithheldFeatures),
            SimilarCases = ContextProjection.SimilarCases(context, policy),
            SimilarCasesUnavailable = policy.Context.HasFlag(ContextBlocks.SimilarCases) ? context.SimilarCasesUnavailable : null,
            Omissions = omissions,
            Alerts = draft.Alerts,
            Waterfall = policy.Context.HasFlag(ContextBlocks.Waterfall) && draft.ValuesShown && draft.BaseShown && draft.OutputShown
                ? Waterfall.From(items, draft.BaseValue, draft.ModelOutput, draft.OffsetShown ? draft.Offset : null, draft.ScoreUnit)
                : null,
            GlobalImportance = GlobalImportanceBuilder.Build(context, policy, draft),
        };
    }

    private static ViewItem ToItem(DraftItem item, bool valuesShown) => new()
    {
        Key = item.Key,
        Label = item.Label,
        Features = item.Features,
        FeatureLabels = item.FeatureLabels,
        Value = valuesShown ? item.Value : null,
        StandardError = valuesShown ? item.StandardError : null,
        Direction = item.Sign > 0 ? "raises" : item.Sign < 0 ? "lowers" : "none",
        CaseValue = item.CaseValue,
        Percentile = item.Percentile,
        PercentileKind = item.PercentileKind,
        Description = item.Description,
        Reason = item.Reason,
        ActionableDirection = item.ActionableDirection,
    };
}
