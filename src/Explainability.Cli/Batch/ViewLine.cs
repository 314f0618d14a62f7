using Explainability.Views.Omissions;

namespace Explainability.Cli.Batch;

/// <summary>One line of <c>explain --views-out FILE.jsonl</c>: one audience's rendered view of one input row.</summary>
/// <param name="Row">The 0-based data row of the input (the CLI keeps no ledger, so the row is the explanation's id).</param>
/// <param name="Audience">The audience.</param>
/// <param name="Language">The language the view was rendered in (after fallback, e.g. <c>en</c> for an untranslated template).</param>
/// <param name="Text">The rendered text view, as <c>--format text</c> prints it.</param>
/// <param name="ShareOfAbsPhiNotShown">Share of the explained output's total |phi| the view does not show (0..1).</param>
/// <param name="Omissions">The audience's own omission entries (features hidden from it are counted, not named).</param>
internal sealed record ViewLine(long Row, string Audience, string Language, string Text, double ShareOfAbsPhiNotShown, IReadOnlyList<OmissionEntry> Omissions);
