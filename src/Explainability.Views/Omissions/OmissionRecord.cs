namespace Explainability.Views.Omissions;

/// <summary>
/// Everything a projection left out, with measured loss. Derived by the projection steps and
/// <see cref="Projection.Projector"/>, never written by hand. An empty record states that nothing was left out.
/// </summary>
public sealed record OmissionRecord
{
    /// <summary>The entries, in the order the steps ran.</summary>
    public required IReadOnlyList<OmissionEntry> Entries { get; init; }

    /// <summary><c>1 - sum over shown items |value| / sum(|phi_f| of all features)</c> for the explained output, each item's
    /// value unrounded in the explanation's space (a group's is the net sum of its members' phi, so what cancels inside a
    /// group counts as not shown; the <c>grouped</c> entry measures that part on its own); 0 when all phi are zero.</summary>
    public required double ShareOfAbsPhiNotShown { get; init; }

    /// <summary><c>(model output - base value) - sum(shown values) - shown offset</c> in <see cref="Unit"/>, as shown (after
    /// rounding): what the shown values leave unexplained; a per-row offset the view does not show is part of it. Includes the explanation's own additivity residual. Always set in the full record;
    /// null in the view of an audience that is shown no amounts.</summary>
    public required double? UnexplainedPart { get; init; }

    /// <summary>Unit of <see cref="UnexplainedPart"/>.</summary>
    public required string Unit { get; init; }

    /// <summary>Whether nothing was left out.</summary>
    public bool IsEmpty => Entries.Count == 0;
}
