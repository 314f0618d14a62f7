using System.Collections.Concurrent;
using System.Globalization;
using Explainability.Core.Data;
using Scriban;
using Scriban.Runtime;

namespace Explainability.Views.Rendering;

/// <summary>
/// Renders views through Scriban templates stored as <c>templates/&lt;audience&gt;/&lt;name&gt;[.&lt;language&gt;].&lt;format&gt;.scriban</c>.
/// A template sees only <see cref="ViewScriptObject"/> of the view and Scriban's built-in functions; includes are
/// disabled, undefined variables are errors, and numbers format with the invariant culture. Parsed templates, which file
/// serves a language and which formats an audience has are looked up once (templates are read when first used, not
/// watched); Scriban's built-in functions are one read-only object shared by every render. The class is thread-safe.
/// </summary>
public sealed class TemplateRenderer
{
    /// <summary>The formats every audience's explanation view renders in.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["text", "md"];

    /// <summary>The formats an explanation view may render in: <see cref="Formats"/>, and <c>html</c> (a self-contained page
    /// with inline SVG charts) for the audiences that have an <c>explanation.html.scriban</c> template.</summary>
    public static IReadOnlyList<string> ExplanationFormats { get; } = ["text", "md", "html"];

    /// <summary>The formats comparison views render in: <see cref="Formats"/> and <c>html</c> (a self-contained page with an
    /// inline SVG chart).</summary>
    public static IReadOnlyList<string> ComparisonFormats { get; } = ["text", "md", "html"];

    /// <summary>The formats reports render in: <c>html</c> (a self-contained page with inline SVG charts) and <c>md</c>
    /// (tables, with text bars for the charts).</summary>
    public static IReadOnlyList<string> ReportFormats { get; } = ["html", "md"];

    /// <summary>The template name of reports.</summary>
    public const string ReportTemplate = "report";

    /// <summary>The template name of comparison views.</summary>
    public const string ComparisonTemplate = "comparison";

    private readonly ConcurrentDictionary<string, Template> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Audience, string Name, string Language, string Format), string> _paths = new();
    private readonly ConcurrentDictionary<(string Audience, string Name), IReadOnlyList<string>> _formats = new();
    private readonly ConcurrentDictionary<(string Audience, string Name, string Language, string Format), string> _languages = new();

    // Scriban's built-ins (string, math, array, html, ...), made once and shared: building them for every render was a
    // measurable part of a view's latency. Read-only, so no template can change them for the next one.
    private static readonly ScriptObject Builtins = ReadOnlyBuiltins();

    /// <summary>A renderer reading templates from <paramref name="templatesDirectory"/> (the folder holding one folder per audience).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public TemplateRenderer(string templatesDirectory)
    {
        if (!Directory.Exists(templatesDirectory))
        {
            throw new DirectoryNotFoundException($"templates directory '{templatesDirectory}' does not exist");
        }

        TemplatesDirectory = Path.GetFullPath(templatesDirectory);
    }

    /// <summary>The folder templates are read from.</summary>
    public string TemplatesDirectory { get; }

    /// <summary>A renderer over the <c>templates</c> folder found by <see cref="FindTemplatesDirectory"/> from <see cref="AppContext.BaseDirectory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No <c>templates</c> folder beside the binaries or above them.</exception>
    public static TemplateRenderer FromDefaultLocation() => new(FindTemplatesDirectory(AppContext.BaseDirectory));

    /// <summary>The first <c>templates</c> folder in <paramref name="start"/> or one of its parents (the build copies templates beside the binaries).</summary>
    /// <exception cref="DirectoryNotFoundException">None found up to the root.</exception>
    public static string FindTemplatesDirectory(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "templates");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no 'templates' folder in '{start}' or any folder above it");
    }

    /// <summary>Renders <paramref name="view"/> with template <paramref name="name"/> of its audience in <paramref name="format"/>,
    /// preferring the translation for the view's language.</summary>
    /// <exception cref="ArgumentException">The format is not one of <see cref="ExplanationFormats"/>, or it is <c>html</c> and
    /// the audience has no HTML template; the message lists the formats the audience has.</exception>
    /// <exception cref="FileNotFoundException">The audience has no such template.</exception>
    /// <exception cref="InvalidDataException">The template does not parse; the message gives file, line and column.</exception>
    /// <exception cref="InvalidOperationException">The template failed while rendering (for example an undefined variable).</exception>
    public string Render(AudienceView view, string format, string name = "explanation")
    {
        RequireFormatFor(view.Audience, format, name);
        // Markdown passes raw HTML through: card-provided text (display names, reasons, categories) is escaped for it. The
        // HTML templates escape on output themselves (html.escape), and text is shown as it is.
        var model = format == "md" ? ViewScriptObject.From(view, ViewScriptObject.EscapeHtml) : ViewScriptObject.From(view);
        return Render(view.Audience, name, view.Language, format, model);
    }

    /// <summary>The language <paramref name="audience"/>'s template <paramref name="name"/> in <paramref name="format"/> is
    /// written in for a request of <paramref name="language"/>: the full code when a translation has it, else its primary
    /// subtag (<c>nl-BE</c> -> <c>nl</c>, case-insensitively), else <c>en</c>, the untranslated file. A view is rendered in
    /// one language: this one, so a request for a language the audience has no template in gets English throughout.</summary>
    public string TemplateLanguage(string audience, string language, string format, string name = "explanation") =>
        _languages.GetOrAdd((audience, name, language, format), key => LanguageFallback.Candidates(key.Language)
            .FirstOrDefault(code => File.Exists(Path.Combine(TemplatesDirectory, key.Audience, $"{key.Name}.{code}.{key.Format}.scriban"))) ?? "en");

    /// <summary>The formats <paramref name="audience"/>'s template <paramref name="name"/> renders in: <see cref="Formats"/>,
    /// and <c>html</c> when the audience has an <c>explanation.html.scriban</c>.</summary>
    public IReadOnlyList<string> FormatsFor(string audience, string name = "explanation") =>
        _formats.GetOrAdd((audience, name), key =>
            [.. ExplanationFormats.Where(f => Formats.Contains(f, StringComparer.Ordinal) || HasTemplate(key.Audience, f, key.Name))]);

    /// <summary>Whether <paramref name="audience"/> has a template <paramref name="name"/> in <paramref name="format"/> (in any language).</summary>
    public bool HasTemplate(string audience, string format, string name = "explanation") =>
        Audiences.All.Contains(audience, StringComparer.Ordinal)
        && ExplanationFormats.Contains(format, StringComparer.Ordinal)
        && File.Exists(Path.Combine(TemplatesDirectory, audience, $"{name}.{format}.scriban"));

    /// <summary>Throws unless <paramref name="audience"/> renders in <paramref name="format"/> (<see cref="FormatsFor"/>).</summary>
    /// <exception cref="ArgumentException">The format is unknown, or the audience has no template in it; the message names
    /// the audience and the formats it has.</exception>
    public string RequireFormatFor(string audience, string format, string name = "explanation")
    {
        RequireFormat(format, ExplanationFormats);
        if (!FormatsFor(audience, name).Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"audience '{audience}' has no {format} template ({name}.{format}.scriban); expected one of: {string.Join(", ", FormatsFor(audience, name))}", nameof(format));
        }

        return format;
    }

    /// <summary>Renders <paramref name="view"/> with the <c>comparison</c> template of its audience in <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException">The format is not one of <see cref="ComparisonFormats"/>.</exception>
    /// <exception cref="FileNotFoundException">The audience has no comparison template in that format.</exception>
    /// <exception cref="InvalidDataException">The template does not parse; the message gives file, line and column.</exception>
    /// <exception cref="InvalidOperationException">The template failed while rendering (for example an undefined variable).</exception>
    public string RenderComparison(Comparison.ComparisonView view, string format)
    {
        RequireFormat(format, ComparisonFormats);
        return Render(view.Audience, ComparisonTemplate, view.Language, format, ViewScriptObject.From(view));
    }

    /// <summary>Renders <paramref name="report"/> with the <c>report</c> template of its audience in <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException">The format is not one of <see cref="ReportFormats"/>, or the audience has no report.</exception>
    /// <exception cref="FileNotFoundException">The audience has no report template in that format.</exception>
    /// <exception cref="InvalidDataException">The template does not parse; the message gives file, line and column.</exception>
    /// <exception cref="InvalidOperationException">The template failed while rendering (for example an undefined variable).</exception>
    public string RenderReport(Reports.ReportView report, string format)
    {
        ArgumentNullException.ThrowIfNull(report);
        RequireFormat(format, ReportFormats);
        Reports.ReportViewBuilder.RequireAudience(report.Audience);
        // As for views: Markdown passes raw HTML through, so card-provided text is escaped for it; HTML templates escape on output.
        var model = format == "md" ? ViewScriptObject.From(report, ViewScriptObject.EscapeHtml) : ViewScriptObject.From(report);
        return Render(report.Audience, ReportTemplate, report.Language, format, model);
    }

    private string Render(string audience, string name, string language, string format, ScriptObject model)
    {
        var template = Load(audience, name, language, format);
        var context = new TemplateContext(Builtins)
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            LoopLimit = 10_000,
            RecursiveLimit = 32,
            NewLine = "\n",
            MemberRenamer = StandardMemberRenamer.Rename,
            MemberFilter = _ => false,
        };
        context.PushCulture(CultureInfo.InvariantCulture);
        context.PushGlobal(model);
        try
        {
            return template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new InvalidOperationException($"template {audience}/{name}.{format} failed: {e.Message}", e);
        }
    }

    /// <summary>Throws unless <paramref name="format"/> is one of <paramref name="allowed"/> (default <see cref="Formats"/>).</summary>
    /// <exception cref="ArgumentException">The format is unknown; the message lists the allowed values.</exception>
    public static string RequireFormat(string format, IReadOnlyList<string>? allowed = null)
    {
        allowed ??= Formats;
        if (!allowed.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown format {MessageText.Quote(format)}; expected one of: {string.Join(", ", allowed)}", nameof(format));
        }

        return format;
    }

    private static ScriptObject ReadOnlyBuiltins()
    {
        var builtins = TemplateContext.GetDefaultBuiltinObject();
        MathFormatFunction.Install(builtins);
        foreach (var value in builtins.Values)
        {
            if (value is ScriptObject nested)
            {
                nested.IsReadOnly = true;
            }
        }

        builtins.IsReadOnly = true;
        return builtins;
    }

    private Template Load(string audience, string name, string language, string format)
    {
        string folder = Path.Combine(TemplatesDirectory, audience);
        // The full code, then its primary subtag (nl-BE -> nl), case-insensitively; English is the untranslated file.
        string path = _paths.GetOrAdd((audience, name, language, format), key => LanguageFallback.Candidates(key.Language)
            .Select(code => Path.Combine(folder, $"{key.Name}.{code}.{key.Format}.scriban"))
            .FirstOrDefault(File.Exists) ?? Path.Combine(folder, $"{key.Name}.{key.Format}.scriban"));
        return _cache.GetOrAdd(path, p =>
        {
            if (!File.Exists(p))
            {
                throw new FileNotFoundException($"no template '{name}.{format}.scriban' for audience '{audience}' in '{folder}'", p);
            }

            var template = Template.Parse(File.ReadAllText(p), p);
            if (template.HasErrors)
            {
                throw new InvalidDataException($"template {p} does not parse: {string.Join("; ", template.Messages)}");
            }

            return template;
        });
    }
}
