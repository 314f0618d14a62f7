using Explainability.Core.Data;

namespace Explainability.Server.Ledger;

/// <summary>Explanation ids: 32 lowercase hex digits of a random (version 4) UUID, e.g.
/// <c>3f2b8c0e9a4d4f6b8e1c2d3a4b5c6d7e</c>. Unguessable, so an id alone does not enumerate the ledger.</summary>
public static class ExplanationIds
{
    /// <summary>Length of an id.</summary>
    public const int Length = 32;

    /// <summary>A new id.</summary>
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>Whether <paramref name="id"/> is well formed.</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: Length } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <summary>Returns <paramref name="id"/> when it is well formed.</summary>
    /// <exception cref="ArgumentException">It is not; the message quotes it and says what an id looks like.</exception>
    public static string Require(string? id) => IsWellFormed(id)
        ? id!
        : throw new ArgumentException(
            $"explanation id {MessageText.Quote(id ?? "")} is malformed: expected the {Length} lowercase hex digits returned as RowExplanation.explanation_id");
}
