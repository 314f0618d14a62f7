namespace Explainability.Views.Context;

/// <summary>A reference case close to the explained one in SHAP space, as an audience sees it. Immutable; part of <see cref="AudienceView"/>.</summary>
public sealed record SimilarCase
{
    /// <summary>1 for the nearest.</summary>
    public required int Rank { get; init; }

    /// <summary>0-based data row in the model card's reference file.</summary>
    public required int ReferenceRow { get; init; }

    /// <summary>The reference case's known outcome (a class name).</summary>
    public required string Outcome { get; init; }

    /// <summary>Euclidean distance of the SHAP vectors of the explained output, in <see cref="AudienceView.ExplanationUnit"/>.</summary>
    public required double Distance { get; init; }
}
