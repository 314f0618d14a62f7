using Explainability.Views.Omissions;

namespace Explainability.Views.Projection;

/// <summary>The result of projecting an explanation for one audience.</summary>
/// <param name="View">What the audience's template sees; feature names hidden from the audience are withheld from its omission record.</param>
/// <param name="Record">The complete omission record, naming every feature concerned, for the ledger.</param>
public sealed record ProjectionResult(AudienceView View, OmissionRecord Record);
