namespace Explainability.Server.Ledger;

/// <summary>One recorded explanation (of one row) as the ledger stores it: a few columns to list and find it by, and the
/// serialized <c>RecordedExplanation</c> message exactly as written. Immutable.</summary>
/// <param name="Id">The explanation id (<see cref="ExplanationIds"/>).</param>
/// <param name="RecordedAt">When it was recorded, UTC.</param>
/// <param name="Client">The requesting client, or <c>anonymous</c>.</param>
/// <param name="ModelId">Model id.</param>
/// <param name="ModelVersion">Model version.</param>
/// <param name="Method">Explainer name (<c>tree_path_dependent</c>, <c>kernel</c>, ...).</param>
/// <param name="Record">The serialized <c>RecordedExplanation</c> (protobuf); returned byte for byte.</param>
public sealed record LedgerRecord(
    string Id, DateTimeOffset RecordedAt, string Client, string ModelId, string ModelVersion, string Method, byte[] Record);
