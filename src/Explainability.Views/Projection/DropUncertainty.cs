using Explainability.Views.Omissions;
using Explainability.Views.Policies;

namespace Explainability.Views.Projection;

/// <summary>Removes the standard errors of sampled SHAP values; the largest one dropped is recorded.</summary>
public static class DropUncertainty
{
    /// <summary>Drops them when the policy says <see cref="AudiencePolicy.ShowUncertainty"/> is false and there are any.</summary>
    public static StepResult Apply(ViewDraft draft, AudiencePolicy policy)
    {
        var withError = draft.Items.Where(i => i.StandardError is not null).ToList();
        if (policy.ShowUncertainty || withError.Count == 0)
        {
            return StepResult.Unchanged(draft);
        }

        var entry = new OmissionEntry
        {
            Kind = OmissionKind.UncertaintyDropped,
            Features = [.. withError.SelectMany(i => i.Features)],
            FeatureLabels = [.. withError.SelectMany(i => i.FeatureLabels)],
            Fields = ["standard errors"],
            Rule = "showUncertainty = false",
            MaxStandardError = withError.Max(i => i.StandardError!.Value),
            Unit = draft.Unit,
        };
        return new StepResult(draft with { Items = [.. draft.Items.Select(i => i with { StandardError = null })] }, [entry]);
    }
}
