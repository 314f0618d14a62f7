using System.Collections;
using System.Reflection;
using System.Text;
using Scriban.Runtime;

namespace Explainability.Views.Rendering;

/// <summary>
/// Turns an <see cref="AudienceView"/> into plain Scriban values (script objects, arrays, strings, numbers, booleans),
/// so a template sees the view's data and nothing else: no .NET object, method or type reaches it. Property names are
/// renamed to snake_case by Scriban's standard renamer (<c>ModelOutput</c> -> <c>model_output</c>); enum values become
/// kebab-case strings (<c>hidden-tagged</c>); string dictionaries become arrays of <c>{ key, value }</c> sorted by key.
/// </summary>
public static class ViewScriptObject
{
    private const int MaxDepth = 8;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Name, Func<object, object?> Get)[]> Properties = new();

    // Enum values as kebab-case strings, made once per value: a view has several per item.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Enum, string> EnumNames = new();

    /// <summary>The script object of <paramref name="view"/>.</summary>
    /// <exception cref="InvalidOperationException">The view holds a value of a type that may not reach a template.</exception>
    public static ScriptObject From(AudienceView view) => (ScriptObject)Convert(view, 0, null)!;

    /// <summary>The script object of <paramref name="view"/> with every string passed through <paramref name="text"/>
    /// (for Markdown: <see cref="EscapeHtml"/>, so card-provided text cannot inject markup).</summary>
    /// <exception cref="InvalidOperationException">The view holds a value of a type that may not reach a template.</exception>
    public static ScriptObject From(AudienceView view, Func<string, string>? text) => (ScriptObject)Convert(view, 0, text)!;

    /// <summary><paramref name="value"/> with the HTML-significant characters <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> as
    /// entities: Markdown passes raw HTML through, so a display name such as <c>&lt;script&gt;</c> must not reach it as markup.</summary>
    public static string EscapeHtml(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>The script object of a comparison <paramref name="view"/>.</summary>
    /// <exception cref="InvalidOperationException">The view holds a value of a type that may not reach a template.</exception>
    public static ScriptObject From(Comparison.ComparisonView view) => (ScriptObject)Convert(view, 0, null)!;

    /// <summary>The script object of a <paramref name="report"/>, with every string passed through <paramref name="text"/> when given.</summary>
    /// <exception cref="InvalidOperationException">The report holds a value of a type that may not reach a template.</exception>
    public static ScriptObject From(Reports.ReportView report, Func<string, string>? text = null) => (ScriptObject)Convert(report, 0, text)!;

    private static object? Convert(object? value, int depth, Func<string, string>? text)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"view nesting deeper than {MaxDepth}");
        }

        switch (value)
        {
            case string s:
                return text is null ? s : text(s);
            case null:
            case bool:
            case int:
            case long:
            case double:
                return value;
            case Enum e:
                return EnumNames.GetOrAdd(e, static v => Kebab(v.ToString()));
            case IEnumerable<KeyValuePair<string, string>> pairs:
                var kv = new ScriptArray();
                foreach (var p in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var o = new ScriptObject();
                    o.SetValue("key", text is null ? p.Key : text(p.Key), true);
                    o.SetValue("value", text is null ? p.Value : text(p.Value), true);
                    kv.Add(o);
                }

                return kv;
            case IEnumerable list:
                var array = list is ICollection { Count: var count } ? new ScriptArray(count) : new ScriptArray();
                foreach (var item in list)
                {
                    array.Add(Convert(item, depth + 1, text));
                }

                return array;
        }

        var type = value.GetType();
        if (type.Assembly != typeof(AudienceView).Assembly || type.Namespace?.StartsWith("Explainability.Views", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException($"a value of type {type.FullName} may not reach a template; only view records, strings, numbers and lists may");
        }

        var properties = Properties.GetOrAdd(type, ReadProperties);
        var obj = new ScriptObject(properties.Length);
        foreach (var (name, get) in properties)
        {
            obj.SetValue(name, Convert(get(value), depth + 1, text), true);
        }

        return obj;
    }

    /// <summary>A view type's public instance properties (no indexers) with their template names and compiled getters,
    /// made once per type (a compiled getter reads a view several times faster than <see cref="PropertyInfo.GetValue(object)"/>).</summary>
    private static (string Name, Func<object, object?> Get)[] ReadProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => (StandardMemberRenamer.Rename(p), Getter(type, p)))];

    private static Func<object, object?> Getter(Type type, PropertyInfo property)
    {
        var instance = System.Linq.Expressions.Expression.Parameter(typeof(object), "view");
        var read = System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(instance, type), property);
        return System.Linq.Expressions.Expression.Lambda<Func<object, object?>>(System.Linq.Expressions.Expression.Convert(read, typeof(object)), instance).Compile();
    }

    private static string Kebab(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }
}
