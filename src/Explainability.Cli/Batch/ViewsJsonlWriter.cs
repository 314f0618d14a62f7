using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Explainability.Cli.Output;
using Explainability.Server.Explaining;

namespace Explainability.Cli.Batch;

/// <summary>
/// <c>--views-out FILE.jsonl</c>: one JSON object (<see cref="ViewLine"/>, snake_case names, omission kinds in kebab case
/// as the views name them) per input row and audience, in row order and then in the order the audiences were listed.
/// Rendered by <see cref="ExplanationService.Render"/>, the code <c>--format text</c> and the gRPC service use.
/// </summary>
internal sealed class ViewsJsonlWriter(AppendTarget target, ExplanationService service, IReadOnlyList<string> audiences, string? language) : IChunkWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <inheritdoc />
    public void Write(ExplainReport report, long firstRow, bool isFirstChunk)
    {
        for (int r = 0; r < report.Explanation.RowCount; r++)
        {
            foreach (var audience in audiences)
            {
                var view = service.Render(report.Outcome, r, audience, "text", language);
                var line = new ViewLine(firstRow + r, audience, view.View.Language, view.Rendered, view.View.Omissions.ShareOfAbsPhiNotShown, view.View.Omissions.Entries);
                target.Writer.Write(JsonSerializer.Serialize(line, Json));
                target.Writer.Write('\n');
            }
        }
    }

    /// <inheritdoc />
    public long Commit() => target.Commit();

    /// <inheritdoc />
    public void Dispose() => target.Dispose();
}
