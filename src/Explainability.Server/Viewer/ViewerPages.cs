using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Explainability.Protos;
using Explainability.Server.Ledger;
using Explainability.Views;
using AudienceView = Explainability.Views.AudienceView;

namespace Explainability.Server.Viewer;

/// <summary>
/// The HTML pages of the analyst viewer: self-contained (inline CSS and SVG, no script, no external resource), every text
/// from the ledger or a view HTML-encoded. Pure functions.
/// </summary>
public static partial class ViewerPages
{
    /// <summary>The list of recent explanations, newest first, with a link to each audience's view.</summary>
    /// <param name="records">Recorded explanations, newest first.</param>
    public static string List(IReadOnlyList<LedgerRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var body = new StringBuilder();
        body.Append("<h1>Recent explanations</h1>\n");
        if (records.Count == 0)
        {
            body.Append("<p id=\"empty\">The ledger holds no explanation yet.</p>\n");
        }
        else
        {
            body.Append("<table id=\"explanations\">\n<thead><tr><th>recorded (UTC)</th><th>explanation id</th><th>model</th><th>method</th><th>client</th><th>views</th></tr></thead>\n<tbody>\n");
            foreach (var r in records)
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr data-id=\"{E(r.Id)}\"><td>{E(SqliteExplanationLedger.FormatTimestamp(r.RecordedAt))}</td><td><code>{E(r.Id)}</code></td>");
                body.Append(CultureInfo.InvariantCulture, $"<td>{E(r.ModelId)} {E(r.ModelVersion)}</td><td>{E(r.Method)}</td><td>{E(r.Client)}</td><td>");
                body.AppendJoin(" · ", Audiences.All.Select(a => $"<a href=\"{E(ViewPath(r.Id, a))}\">{E(a)}</a>"));
                body.Append("</td></tr>\n");
            }

            body.Append("</tbody>\n</table>\n");
        }

        return Page("Recent explanations", body.ToString());
    }

    /// <summary>
    /// One audience's view of a recorded explanation: what the audience is shown (the rendered text, and a bar chart of the
    /// shown amounts when the view shows amounts) and, in its own section, what the view leaves out (the audience's own
    /// omission entries: features hidden from the audience are counted, not named).
    /// </summary>
    /// <param name="explanation">The recorded explanation (for the page header: id, model, time, client).</param>
    /// <param name="recorded">The view as recorded.</param>
    /// <param name="view">The view the template saw, for the chart.</param>
    /// <param name="renderedIsHtml">Whether <paramref name="recorded"/> was rendered with the audience's HTML template: its
    /// body (and style) is embedded as it is, with its element ids prefixed <c>view-</c> so they cannot collide with the
    /// page's; else the text is shown preformatted beside the viewer's own chart.</param>
    /// <exception cref="InvalidOperationException">The HTML rendering holds a script, a frame, an embedded object or a
    /// reference to another resource, which the page may not carry.</exception>
    public static string View(RecordedExplanation explanation, RecordedView recorded, AudienceView view, bool renderedIsHtml = false)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(view);
        var shown = recorded.View;
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>{E(explanation.ModelId)} {E(explanation.ModelVersion)}: {E(shown.Audience)} view</h1>\n");
        body.Append(CultureInfo.InvariantCulture,
            $"<p class=\"meta\">Explanation <code id=\"explanation-id\">{E(explanation.ExplanationId)}</code>, recorded {E(explanation.RecordedAt)} for client {E(explanation.Client)}; this view was recorded as number {recorded.Sequence.ToString(CultureInfo.InvariantCulture)} in the ledger.</p>\n");
        body.Append("<nav><p>Audiences: ");
        body.AppendJoin(" · ", Audiences.All.Select(a => a == shown.Audience
            ? $"<strong>{E(a)}</strong>"
            : $"<a href=\"{E(ViewPath(explanation.ExplanationId, a, shown.Language))}\">{E(a)}</a>"));
        body.Append(" · <a href=\"/explanations\">all recent explanations</a></p></nav>\n");

        body.Append(CultureInfo.InvariantCulture, $"<section id=\"view\" data-audience=\"{E(shown.Audience)}\" data-language=\"{E(shown.Language)}\">\n<h2>What the {E(shown.Audience)} sees</h2>\n");
        if (renderedIsHtml)
        {
            body.Append(CultureInfo.InvariantCulture, $"<div id=\"rendered-html\">\n{EmbeddableBody(shown.Rendered)}</div>\n</section>\n");
        }
        else
        {
            if (view.ValuesShown && view.Items.Any(i => i.Value is not null))
            {
                body.Append(Chart(view));
            }

            body.Append(CultureInfo.InvariantCulture, $"<pre id=\"rendered\">{E(shown.Rendered)}</pre>\n</section>\n");
        }

        body.Append("<section id=\"omissions\">\n<h2>What this view leaves out</h2>\n");
        body.Append(CultureInfo.InvariantCulture,
            $"<p id=\"share-not-shown\">Share of the total |phi| not shown: {E(shown.ShareOfAbsPhiNotShown.ToString("P1", CultureInfo.InvariantCulture))}.</p>\n");
        if (shown.Omissions.Count == 0)
        {
            body.Append("<p>Nothing: the view shows the whole explanation.</p>\n");
        }
        else
        {
            body.Append("<ul>\n");
            foreach (var entry in shown.Omissions)
            {
                body.Append(CultureInfo.InvariantCulture, $"<li data-kind=\"{E(entry.Kind)}\">{E(entry.Description)}</li>\n");
            }

            body.Append("</ul>\n");
        }

        body.Append("</section>\n");
        return Page($"{explanation.ModelId} {shown.Audience} view {explanation.ExplanationId}", body.ToString(), shown.Language);
    }

    /// <summary>The style and body of a page rendered by an audience's HTML template, to embed in the viewer's page: the
    /// templates escape every string of the view, so what is left to check is that the page carries nothing the viewer's
    /// page may not (the Content-Security-Policy forbids them too; this refuses them before they are served).</summary>
    /// <exception cref="InvalidOperationException">A script, frame, object, embed, link, base or meta element, an event
    /// handler attribute, or a <c>src</c>/<c>href</c> to another resource.</exception>
    public static string EmbeddableBody(string page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var style = StyleElement().Match(page);
        var inner = BodyContent().Match(page);
        string embedded = (style.Success ? style.Value + "\n" : "") + (inner.Success ? inner.Groups[1].Value : page);
        if (Forbidden().Match(embedded) is { Success: true } bad)
        {
            throw new InvalidOperationException($"the HTML view holds '{bad.Value.Trim()}', which the viewer does not embed");
        }

        return IdAttribute().Replace(embedded, " id=\"view-");
    }

    [GeneratedRegex(@"<\s*(script|iframe|frame|object|embed|link|base|meta|img|image|use|foreignObject)\b|\son\w+\s*=|\s(src|href|xlink:href)\s*=\s*""(?!#)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Forbidden();

    [GeneratedRegex(@"<style>.*?</style>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@"<body[^>]*>(.*)</body>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex BodyContent();

    [GeneratedRegex(@"\sid=""", RegexOptions.CultureInvariant)]
    private static partial Regex IdAttribute();

    /// <summary>A page saying what went wrong, with the refusal's message (never a stack trace).</summary>
    public static string Error(int status, string message) =>
        Page($"Error {status.ToString(CultureInfo.InvariantCulture)}", $"<h1>Error {status.ToString(CultureInfo.InvariantCulture)}</h1>\n<p id=\"error\">{E(message)}</p>\n<p><a href=\"/explanations\">Recent explanations</a></p>\n");

    /// <summary>The path of the view of explanation <paramref name="id"/> for <paramref name="audience"/>.</summary>
    public static string ViewPath(string id, string audience, string? language = null) =>
        $"/explanations/{Uri.EscapeDataString(id)}/{Uri.EscapeDataString(audience)}"
        + (string.IsNullOrEmpty(language) || language == "en" ? "" : "?language=" + Uri.EscapeDataString(language));

    /// <summary>A horizontal bar chart of the shown items' values in the view's unit, raising to the right.</summary>
    private static string Chart(AudienceView view)
    {
        var items = view.Items.Where(i => i.Value is not null).ToList();
        double max = items.Max(i => Math.Abs(i.Value!.Value));
        const int LabelWidth = 260, Half = 180, RowHeight = 22, Axis = LabelWidth + Half + 10;
        int height = (items.Count * RowHeight) + 8;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"chart\" width=\"{Axis + Half + 90}\" height=\"{height}\" role=\"img\" aria-label=\"{E($"shown values in {view.Unit}")}\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Axis}\" y1=\"0\" x2=\"{Axis}\" y2=\"{height}\" stroke=\"#555\"/>\n");
        for (int i = 0; i < items.Count; i++)
        {
            double value = items[i].Value!.Value;
            double width = max > 0 ? Math.Abs(value) / max * Half : 0;
            double x = value < 0 ? Axis - width : Axis;
            int y = 4 + (i * RowHeight);
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{LabelWidth}\" y=\"{y + 14}\" text-anchor=\"end\">{E(items[i].Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{x:0.##}\" y=\"{y + 2}\" width=\"{width:0.##}\" height=\"{RowHeight - 6}\" fill=\"{(value < 0 ? "#3b6fb6" : "#c0392b")}\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{(value < 0 ? Axis + 6 : Axis + width + 6):0.##}\" y=\"{y + 14}\">{E(value.ToString("+0.###;-0.###;0", CultureInfo.InvariantCulture))}</text>\n");
        }

        svg.Append("</svg>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<p class=\"unit\">Values in {E(view.Unit)}; bars to the right raise the explained output, to the left lower it.</p>\n");
        return svg.ToString();
    }

    private static string Page(string title, string body, string language = "en") =>
        $$"""
        <!DOCTYPE html>
        <html lang="{{E(language)}}">
        <head>
        <meta charset="utf-8">
        <title>{{E(title)}}</title>
        <style>
        body { font-family: sans-serif; margin: 1.5em; color: #222; }
        pre { background: #f6f6f6; padding: 1em; white-space: pre-wrap; }
        table { border-collapse: collapse; }
        td, th { border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; }
        .meta, .unit { color: #555; }
        svg text { font-size: 12px; }
        </style>
        </head>
        <body>
        {{body}}</body>
        </html>

        """;

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
