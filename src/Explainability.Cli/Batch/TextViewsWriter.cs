using Explainability.Cli.Output;
using Explainability.Server.Explaining;

namespace Explainability.Cli.Batch;

/// <summary><c>--format text</c>: each audience's rendered text view of every row, under a line
/// <c>--- &lt;model&gt; row &lt;row&gt; - &lt;audience&gt; ---</c>, followed by an empty line.</summary>
internal sealed class TextViewsWriter(AppendTarget target, ExplanationService service, IReadOnlyList<string> audiences, string? language) : IChunkWriter
{
    /// <inheritdoc />
    public void Write(ExplainReport report, long firstRow, bool isFirstChunk)
    {
        var outcome = report.Outcome;
        for (int r = 0; r < outcome.Explanation.RowCount; r++)
        {
            foreach (var audience in audiences)
            {
                var view = service.Render(outcome, r, audience, "text", language);
                target.Writer.WriteLine($"--- {outcome.Model.Id} row {firstRow + r} - {audience} ---");
                target.Writer.WriteLine(view.Rendered.TrimEnd());
                target.Writer.WriteLine();
            }
        }
    }

    /// <inheritdoc />
    public long Commit() => target.Commit();

    /// <inheritdoc />
    public void Dispose() => target.Dispose();
}
