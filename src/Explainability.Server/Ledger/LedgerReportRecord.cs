namespace Explainability.Server.Ledger;

/// <summary>One report served by <c>Summarize</c> or <c>Drift</c>, as the ledger stores it: a few columns to find it by and
/// the serialized <c>RecordedReport</c> message exactly as written. Immutable.</summary>
/// <param name="Id">The report id (the form of <see cref="ExplanationIds"/>).</param>
/// <param name="RecordedAt">When it was served, UTC.</param>
/// <param name="Client">The requesting client, or <c>anonymous</c>.</param>
/// <param name="ModelId">Model id.</param>
/// <param name="ModelVersion">Model version.</param>
/// <param name="Audience">The audience.</param>
/// <param name="Format"><c>html</c> or <c>md</c>.</param>
/// <param name="Record">The serialized <c>RecordedReport</c> (protobuf); returned byte for byte.</param>
public sealed record LedgerReportRecord(
    string Id, DateTimeOffset RecordedAt, string Client, string ModelId, string ModelVersion, string Audience, string Format, byte[] Record);
