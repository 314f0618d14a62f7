using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Explainability.Cli.Commands;

/// <summary>
/// Parses integer options in the user's words: <c>--nsamples 1.5</c> is refused with "--nsamples expects a whole number,
/// got '1.5'" rather than System.CommandLine's message naming a .NET type.
/// </summary>
internal static class WholeNumberOption
{
    /// <summary>Makes <paramref name="option"/> parse a whole number (invariant culture, optional sign).</summary>
    public static Option<int> WholeNumber(this Option<int> option)
    {
        option.CustomParser = result => Parse(result, option.Name) ?? 0;
        return option;
    }

    /// <summary>Makes <paramref name="option"/> parse a whole number (invariant culture, optional sign); absent stays null.</summary>
    public static Option<int?> WholeNumber(this Option<int?> option)
    {
        option.CustomParser = result => Parse(result, option.Name);
        return option;
    }

    /// <summary>Makes <paramref name="option"/> parse a whole number up to <see cref="long.MaxValue"/>.</summary>
    public static Option<long> WholeNumber(this Option<long> option)
    {
        option.CustomParser = result => ParseLong(result, option.Name) ?? 0;
        return option;
    }

    private static long? ParseLong(ArgumentResult result, string name)
    {
        string? text = result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
        if (text is not null && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            return value;
        }

        result.AddError(text is null ? $"{name} expects a whole number" : $"{name} expects a whole number, got '{text}'");
        return null;
    }

    private static int? Parse(ArgumentResult result, string name)
    {
        if (result.Tokens.Count == 0)
        {
            result.AddError($"{name} expects a whole number");
            return null;
        }

        string text = result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        result.AddError($"{name} expects a whole number from {int.MinValue} to {int.MaxValue}, got '{text}'");
        return null;
    }
}
