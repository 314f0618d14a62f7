using Explainability.Views;
using Explainability.Views.Omissions;

namespace Explainability.Server.Explaining;

/// <summary>One audience's view of one row, rendered.</summary>
/// <param name="Row">The explained row.</param>
/// <param name="Audience">The audience.</param>
/// <param name="Format"><c>text</c> or <c>md</c>.</param>
/// <param name="Rendered">The rendered text.</param>
/// <param name="View">The view the template saw.</param>
/// <param name="FullRecord">The complete omission record (naming hidden features), kept for governance; the view carries the audience's own.</param>
public sealed record RenderedView(int Row, string Audience, string Format, string Rendered, AudienceView View, OmissionRecord FullRecord);
