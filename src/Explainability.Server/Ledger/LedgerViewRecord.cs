namespace Explainability.Server.Ledger;

/// <summary>One view served of a recorded explanation, as the ledger stores it. Immutable.</summary>
/// <param name="ExplanationId">The explanation the view is of.</param>
/// <param name="Audience">The audience.</param>
/// <param name="Language">The view's language code.</param>
/// <param name="Format"><c>text</c> or <c>md</c>.</param>
/// <param name="RecordedAt">When it was served, UTC.</param>
/// <param name="Record">The serialized <c>RecordedView</c> (protobuf) without its sequence, which is <paramref name="Sequence"/>.</param>
/// <param name="Sequence">The ledger's position of the view (increasing over the whole ledger); 0 before it is stored.</param>
public sealed record LedgerViewRecord(
    string ExplanationId, string Audience, string Language, string Format, DateTimeOffset RecordedAt, byte[] Record, long Sequence = 0);
