using System.Reflection;
using System.Text.Json;
using Explainability.Views.ModelCards;

namespace Explainability.Views.Policies;

/// <summary>
/// Reads audience policies from JSON: the default policy file (<c>templates/policies.json</c>: one complete policy per
/// audience) and a model card's <c>policies</c> object (per audience, only the settings that differ from the defaults).
/// A setting's JSON name is its <see cref="AudiencePolicy"/> property name in camelCase (<c>topK</c>,
/// <c>groupByFeatureGroup</c>); enum values are kebab-case strings (<c>top-by-magnitude</c>, <c>probability</c>); the
/// <see cref="ContextBlocks"/> flags are an array of kebab-case names (<c>["case-values", "percentiles"]</c>). The settings
/// are found by reflection, so a new <see cref="AudiencePolicy"/> property is a new JSON field with no second list to keep.
/// </summary>
public static class PolicyReader
{
    /// <summary>The name of the default policy file in the templates folder.</summary>
    public const string FileName = "policies.json";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>JSON name -> property, for every setting except <see cref="AudiencePolicy.Audience"/> (the key of the object).</summary>
    private static readonly IReadOnlyDictionary<string, PropertyInfo> Settings = typeof(AudiencePolicy)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.Name != nameof(AudiencePolicy.Audience))
        .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), StringComparer.Ordinal);

    /// <summary>The JSON names of all settings, sorted ordinally.</summary>
    public static IReadOnlyList<string> SettingNames { get; } = [.. Settings.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Reads the default policies at <paramref name="path"/>: an object with one complete policy per audience.</summary>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">The JSON is malformed, an audience is unknown or missing, a setting is unknown,
    /// missing, of the wrong type or out of range; the message names the file, audience, field and value.</exception>
    public static IReadOnlyDictionary<string, AudiencePolicy> ReadDefaults(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no policy file at {path}", path);
        }

        return ParseDefaults(File.ReadAllText(path), path);
    }

    /// <summary>Parses default policies from <paramref name="json"/>; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">As for <see cref="ReadDefaults"/>.</exception>
    public static IReadOnlyDictionary<string, AudiencePolicy> ParseDefaults(string json, string source)
    {
        using var document = Parse(json, source);
        var root = document.RootElement;
        var result = new Dictionary<string, AudiencePolicy>(StringComparer.Ordinal);
        foreach (var (audience, element) in AudienceObjects(root, source))
        {
            var missing = SettingNames.Where(n => !element.TryGetProperty(n, out _)).ToList();
            if (missing.Count > 0)
            {
                // The file is the only place the defaults live: a missing setting would silently take the code's placeholder.
                throw PolicyError.Create(source, audience, missing[0],
                    $"missing; a default policy must set every setting ({string.Join(", ", missing)} missing)");
            }

            result[audience] = Apply(new AudiencePolicy { Audience = audience }, element, source, audience);
        }

        var absent = Audiences.All.Where(a => !result.ContainsKey(a)).ToList();
        if (absent.Count > 0)
        {
            throw PolicyError.Create(source, null, null, $"no policy for {string.Join(", ", absent)}; the file must hold one for each of: {string.Join(", ", Audiences.All)}");
        }

        return result;
    }

    /// <summary>
    /// Checks a model card's <c>policies</c> object (audience -> partial policy) without the defaults: every audience and
    /// setting must be known and every value valid on its own.
    /// </summary>
    /// <exception cref="InvalidDataException">The first problem found; the message names <paramref name="source"/>, audience, field and value.</exception>
    public static void CheckOverrides(IReadOnlyDictionary<string, JsonElement>? overrides, string source)
    {
        foreach (var (audience, element) in overrides ?? new Dictionary<string, JsonElement>())
        {
            RequireAudience(audience, source);
            // Every setting is checked on its own, so a valid placeholder stands in for the defaults.
            bool customer = audience == Audiences.Customer;
            var placeholder = new AudiencePolicy
            {
                Audience = audience,
                HiddenTags = customer ? AudiencePolicy.CustomerAlwaysHidden : [],
                ShowScore = !customer,
                ShowBaseValue = !customer,
                ShowValues = !customer,
                ShowTechnicalDetails = !customer,
                ShowUncertainty = !customer,
                ShowOffset = !customer,
            };
            Apply(placeholder, element, source, audience);
        }
    }

    /// <summary><paramref name="policy"/> with the settings <paramref name="card"/> overrides for its audience; the policy
    /// itself when the card overrides nothing for it.</summary>
    /// <exception cref="InvalidDataException">The card's override is invalid (cards read by <see cref="ModelCardReader"/> were checked at load).</exception>
    public static AudiencePolicy ForModel(AudiencePolicy policy, ModelCard card)
    {
        if (card.Policies is null || !card.Policies.TryGetValue(policy.Audience, out var element))
        {
            return policy;
        }

        return Apply(policy, element, $"model card '{card.Id}'", policy.Audience);
    }

    /// <summary><paramref name="policy"/> with the settings in the JSON object <paramref name="overrides"/> replaced.</summary>
    /// <exception cref="InvalidDataException">A setting is unknown, of the wrong type or out of range.</exception>
    public static AudiencePolicy Apply(AudiencePolicy policy, JsonElement overrides, string source, string audience)
    {
        if (overrides.ValueKind != JsonValueKind.Object)
        {
            throw PolicyError.Create(source, audience, null, $"expected an object of settings, got {Show(overrides)}");
        }

        // A fresh copy, written through the init setters before anyone else sees it.
        var result = policy with { };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in overrides.EnumerateObject())
        {
            if (!Settings.TryGetValue(property.Name, out var setting))
            {
                throw PolicyError.Create(source, audience, property.Name, $"unknown setting; known settings: {string.Join(", ", SettingNames)}");
            }

            if (!seen.Add(property.Name))
            {
                throw PolicyError.Create(source, audience, property.Name, "set twice; JSON would silently keep the last value");
            }

            setting.SetValue(result, Convert(property.Value, setting.PropertyType, source, audience, property.Name));
        }

        try
        {
            return result.Validated();
        }
        catch (ArgumentException e)
        {
            string field = e.ParamName is null ? "" : JsonNamingPolicy.CamelCase.ConvertName(e.ParamName);
            string message = e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)
                .Replace($"policy for {audience}: ", "", StringComparison.Ordinal);
            throw PolicyError.Create(source, audience, field.Length == 0 ? null : field, message, e);
        }
    }

    private static JsonDocument Parse(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw PolicyError.Create(source, null, null, $"not valid JSON: {e.Message}", e);
        }
    }

    private static IEnumerable<(string Audience, JsonElement Element)> AudienceObjects(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw PolicyError.Create(source, null, null, $"expected an object of audience -> policy, got {Show(root)}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw PolicyError.Create(source, property.Name, null, "listed twice");
            }

            yield return (RequireAudience(property.Name, source), property.Value);
        }
    }

    private static string RequireAudience(string audience, string source) =>
        Audiences.All.Contains(audience, StringComparer.Ordinal)
            ? audience
            : throw PolicyError.Create(source, audience, null, $"unknown audience; expected one of: {string.Join(", ", Audiences.All)}");

    private static object? Convert(JsonElement value, Type type, string source, string audience, string field)
    {
        InvalidDataException Wrong(string expected) => PolicyError.Create(source, audience, field, $"{Show(value)} is not {expected}");

        var nullable = Nullable.GetUnderlyingType(type);
        if (value.ValueKind == JsonValueKind.Null && nullable is not null)
        {
            return null;
        }

        var target = nullable ?? type;
        if (target == typeof(int))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int i))
            {
                return i;
            }

            // A whole number too large for a count is said to be so, not "not an integer".
            throw value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal whole) && decimal.Truncate(whole) == whole && whole is > int.MaxValue or < int.MinValue
                ? Wrong(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a number this policy can use (at most {int.MaxValue})"))
                : Wrong("an integer");
        }

        if (target == typeof(double))
        {
            return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && double.IsFinite(d) ? d : throw Wrong("a number");
        }

        if (target == typeof(bool))
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Wrong("true or false");
        }

        if (target == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Wrong("a string");
        }

        if (IsStringList(target))
        {
            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            {
                throw Wrong("an array of strings");
            }

            return (IReadOnlyList<string>)[.. value.EnumerateArray().Select(v => v.GetString()!)];
        }

        if (target.IsEnum && target.IsDefined(typeof(FlagsAttribute), false))
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                throw Wrong($"an array of {NamesOf(target, withNone: false)}");
            }

            long flags = 0;
            foreach (var v in value.EnumerateArray())
            {
                flags |= System.Convert.ToInt64(EnumValue(v, target, withNone: false, source, audience, field), System.Globalization.CultureInfo.InvariantCulture);
            }

            return Enum.ToObject(target, flags);
        }

        if (target.IsEnum)
        {
            return EnumValue(value, target, withNone: true, source, audience, field);
        }

        throw new InvalidOperationException($"setting {field} has type {type}, which {nameof(PolicyReader)} cannot read");
    }

    private static object EnumValue(JsonElement value, Type type, bool withNone, string source, string audience, string field)
    {
        string? name = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        foreach (var candidate in Enum.GetNames(type))
        {
            if ((withNone || System.Convert.ToInt64(Enum.Parse(type, candidate), System.Globalization.CultureInfo.InvariantCulture) != 0)
                && string.Equals(Kebab(candidate), name, StringComparison.Ordinal))
            {
                return Enum.Parse(type, candidate);
            }
        }

        throw PolicyError.Create(source, audience, field, $"{Show(value)} is not one of {NamesOf(type, withNone)}");
    }

    private static string NamesOf(Type type, bool withNone) => string.Join(", ", Enum.GetNames(type)
        .Where(n => withNone || System.Convert.ToInt64(Enum.Parse(type, n), System.Globalization.CultureInfo.InvariantCulture) != 0)
        .Select(n => $"\"{Kebab(n)}\""));

    private static bool IsStringList(Type type) => type == typeof(IReadOnlyList<string>);

    /// <summary>An enum member's name as it is written in JSON and seen by templates: <c>TopByMagnitude</c> -> <c>top-by-magnitude</c>.</summary>
    public static string Kebab(string name) => JsonNamingPolicy.KebabCaseLower.ConvertName(name);

    private static string Show(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 60 ? raw : raw[..57] + "...";
    }
}
