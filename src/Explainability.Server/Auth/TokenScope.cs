using Explainability.Core.Data;

namespace Explainability.Server.Auth;

/// <summary>
/// What a consuming system's token allows: the models it may explain and read (ids, or every model), the audiences it may
/// request views for (or every audience), and whether it may read the ledger (<c>GetExplanation</c>, <c>Render</c>, the
/// HTML viewer).
/// </summary>
/// <param name="Models">Allowed model ids; <see cref="Any"/> alone for every model.</param>
/// <param name="Audiences">Allowed audiences; <see cref="Any"/> alone for every audience.</param>
/// <param name="LedgerRead">Whether recorded explanations may be read and re-rendered.</param>
public sealed record TokenScope(IReadOnlyList<string> Models, IReadOnlyList<string> Audiences, bool LedgerRead)
{
    /// <summary>The wildcard: every model, or every audience.</summary>
    public const string Any = "*";

    /// <summary>Everything: every model and audience and the ledger; the scope of a call when authentication is off.</summary>
    public static TokenScope Unrestricted { get; } = new([Any], [Any], LedgerRead: true);

    /// <summary>Whether the model with <paramref name="modelId"/> may be used.</summary>
    public bool AllowsModel(string modelId) => Models.Contains(Any, StringComparer.Ordinal) || Models.Contains(modelId, StringComparer.Ordinal);

    /// <summary>Whether views for <paramref name="audience"/> may be requested.</summary>
    public bool AllowsAudience(string audience) => Audiences.Contains(Any, StringComparer.Ordinal) || Audiences.Contains(audience, StringComparer.Ordinal);

    /// <summary>
    /// A scope from the command line's lists: null (the option left out) for every model or audience, else names separated by commas (<c>*</c> for every one).
    /// </summary>
    /// <param name="models">Model ids, comma-separated, or <c>*</c>.</param>
    /// <param name="audiences">Audiences, comma-separated, or <c>*</c>; each must be a known audience.</param>
    /// <param name="ledgerRead">Whether the ledger may be read.</param>
    /// <exception cref="ArgumentException">A list given but blank, an empty entry, an entry with white space, <c>*</c> among other names, or an unknown audience.</exception>
    public static TokenScope Parse(string? models, string? audiences, bool ledgerRead)
    {
        var audienceList = ParseList(audiences, "--audiences");
        foreach (string audience in audienceList.Where(a => a != Any))
        {
            if (!Explainability.Views.Audiences.All.Contains(audience, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"--audiences: unknown audience {MessageText.Quote(audience)}; expected {string.Join(", ", Explainability.Views.Audiences.All)} or *");
            }
        }

        return new TokenScope(ParseList(models, "--models"), audienceList, ledgerRead);
    }

    /// <summary>The list as the store and the command line write it: names joined by commas.</summary>
    public static string Format(IReadOnlyList<string> names) => string.Join(",", names);

    private static IReadOnlyList<string> ParseList(string? text, string option)
    {
        if (text is null)
        {
            return [Any];
        }

        // Given but blank (a script's unset variable, --models "$MODELS") must not widen the token to every model.
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"{option} is empty; give names separated by commas, or * for every one (leaving the option out also means *)");
        }

        var names = text.Split(',');
        foreach (string name in names)
        {
            if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"{option}: {MessageText.Quote(text)} has an empty entry or one with white space; expected names separated by commas");
            }
        }

        if (names.Length > 1 && names.Contains(Any, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{option}: * means every one and cannot be combined with names, got {MessageText.Quote(text)}");
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }
}
