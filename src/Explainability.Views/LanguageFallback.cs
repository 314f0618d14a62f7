namespace Explainability.Views;

/// <summary>
/// How a language code finds its translation (templates, display names, reasons, category labels): the full code, then
/// its primary subtag, compared case-insensitively (BCP 47 tags are case-insensitive), then English. So <c>nl-BE</c> and
/// <c>NL</c> read the Dutch texts, and <c>fr</c> the English ones.
/// </summary>
public static class LanguageFallback
{
    /// <summary>The codes to try for <paramref name="language"/>, lower-case, most specific first, ending with <c>en</c>:
    /// <c>nl-BE</c> -> <c>nl-be</c>, <c>nl</c>, <c>en</c>.</summary>
    public static IReadOnlyList<string> Candidates(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        string full = language.ToLowerInvariant();
        int dash = full.IndexOf('-', StringComparison.Ordinal);
        string[] all = dash > 0 ? [full, full[..dash], "en"] : [full, "en"];
        return [.. all.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The entry of <paramref name="byLanguage"/> for the first of <see cref="Candidates"/> it holds (keys
    /// compared case-insensitively), or false when it holds none of them.</summary>
    public static bool TryGet<T>(IReadOnlyDictionary<string, T>? byLanguage, string language, out T value)
    {
        if (byLanguage is not null)
        {
            foreach (string code in Candidates(language))
            {
                foreach (var (key, v) in byLanguage)
                {
                    if (string.Equals(key, code, StringComparison.OrdinalIgnoreCase))
                    {
                        value = v;
                        return true;
                    }
                }
            }
        }

        value = default!;
        return false;
    }
}
