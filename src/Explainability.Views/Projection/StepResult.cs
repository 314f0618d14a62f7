using Explainability.Views.Omissions;

namespace Explainability.Views.Projection;

/// <summary>What a projection step returns: the new draft and the omission entries it measured (possibly none).</summary>
/// <param name="Draft">The draft after the step.</param>
/// <param name="Omissions">What the step left out, with measured loss.</param>
public sealed record StepResult(ViewDraft Draft, IReadOnlyList<OmissionEntry> Omissions)
{
    /// <summary>A step that changed nothing.</summary>
    public static StepResult Unchanged(ViewDraft draft) => new(draft, []);
}
