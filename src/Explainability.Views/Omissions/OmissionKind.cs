namespace Explainability.Views.Omissions;

/// <summary>What a projection step removed or changed. Templates see these as kebab-case strings (<c>hidden-tagged</c>).</summary>
public enum OmissionKind
{
    /// <summary>Features hidden because of a tag (<c>protected</c>, <c>internal</c>).</summary>
    HiddenTagged,

    /// <summary>Features summed into their group; per-feature detail and any cancellation inside a group are lost.</summary>
    Grouped,

    /// <summary>Features or groups outside the top k.</summary>
    NotInTopK,

    /// <summary>Values moved from margin to probability space; exact additivity of single features is lost.</summary>
    ScaleChanged,

    /// <summary>Values rounded.</summary>
    Rounded,

    /// <summary>The model output (score) and decision threshold are not shown.</summary>
    ScoreHidden,

    /// <summary>The base value is not shown.</summary>
    BaseValueDropped,

    /// <summary>Attribution amounts are not shown, only which features and their direction.</summary>
    ValuesHidden,

    /// <summary>Method, parameters and additivity residual are not shown.</summary>
    TechnicalDetailsDropped,

    /// <summary>Standard errors of sampled values are not shown.</summary>
    UncertaintyDropped,

    /// <summary>The model's per-row offset (a model input added to the margin, casebook C11) is not shown; it is no driver,
    /// but part of (model output - base value).</summary>
    OffsetNotShown,

    /// <summary>The explanation has several outputs (classes) and the view shows one; the others' attributions are not shown.</summary>
    OtherOutputs,
}
