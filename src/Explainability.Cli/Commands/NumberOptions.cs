using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Explainability.Cli.Commands;

/// <summary>
/// Parses number options in the user's words: <c>--nsamples 1.5</c> is refused with "--nsamples expects a whole number,
/// got '1.5'" rather than System.CommandLine's message naming a .NET type.
/// </summary>
internal static class NumberOptions
{
    /// <summary>Makes <paramref name="option"/> parse a whole number (invariant culture, optional sign).</summary>
    public static Option<int> WholeNumber(this Option<int> option)
    {
        option.CustomParser = result => Parse(result, option.Name) ?? 0;
        return option;
    }

    /// <summary>Refuses a value of <paramref name="option"/> outside <paramref name="min"/>..<paramref name="max"/>, naming
    /// the option and the range (<c>--bins must be from 1 to 1000, got 0</c>).</summary>
    public static Option<int> Between(this Option<int> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            // Not a whole number at all: the parser has said so already.
            if (result.Tokens.Count == 0 || !int.TryParse(result.Tokens[^1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                return;
            }

            if (value < min || value > max)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be from {min} to {max}, got {value}"));
            }
        });
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

        // The range only when the text is a whole number beyond it: "abc" is simply not a number.
        result.AddError(text.TrimStart('-', '+') is { Length: > 0 } digits && digits.All(char.IsAsciiDigit)
            ? $"{name} expects a whole number from {int.MinValue} to {int.MaxValue}, got '{text}'"
            : $"{name} expects a whole number, got '{text}'");
        return null;
    }

    /// <summary>Makes <paramref name="option"/> parse a finite number with a decimal point (invariant culture, optional
    /// sign and exponent): <c>--psi abc</c> is refused with "--psi expects a number such as 0.2, got 'abc'" rather than
    /// a message naming a .NET type; NaN and infinity are refused too, and with <paramref name="max"/> a number outside
    /// 0..max (<c>--psi must be from 0 to 100, got '-1'</c>). -0 is read as 0.</summary>
    public static Option<double> Number(this Option<double> option, double? max = null)
    {
        option.CustomParser = result =>
        {
            string? text = result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
            if (text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            {
                return InRange(result, option.Name, text, value + 0.0, max, percent: false);
            }

            result.AddError(text is null ? $"{option.Name} expects a number" : $"{option.Name} expects a number such as 0.2, got '{text}'");
            return 0;
        };
        return option;
    }

    /// <summary>Makes <paramref name="option"/> parse a share as a number (<c>0.5</c>) or a percentage (<c>50%</c>, read
    /// as 0.5), invariant culture: a relative threshold typed as <c>50</c> would mean 5,000%, so the percent form is
    /// there for who thinks in percent. Anything else is refused naming both forms; with <paramref name="max"/>, a share
    /// outside 0..max too (<c>--change must be from 0 to 100 (10,000%), got '-10%'</c>). -0 is read as 0.</summary>
    public static Option<double> Fraction(this Option<double> option, double? max = null)
    {
        option.CustomParser = result =>
        {
            string? text = result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
            if (text is not null && TryParseFraction(text, out double value))
            {
                return InRange(result, option.Name, text, value, max, percent: true);
            }

            result.AddError(text is null ? $"{option.Name} expects a number" : $"{option.Name} expects a number such as 0.2 or a percentage such as 20%, got '{text}'");
            return 0;
        };
        return option;
    }

    /// <summary>Refuses a value of <paramref name="option"/> below <paramref name="min"/>, naming the option
    /// (<c>--interactions must be 0 or more, got -1</c>).</summary>
    public static Option<int> AtLeast(this Option<int> option, int min)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0 || !int.TryParse(result.Tokens[^1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                return;
            }

            if (value < min)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be {min} or more, got {value}"));
            }
        });
        return option;
    }

    private static double InRange(ArgumentResult result, string name, string text, double value, double? max, bool percent)
    {
        if (max is { } top && (value < 0 || value > top))
        {
            string range = percent
                ? string.Create(CultureInfo.InvariantCulture, $"from 0 to {top} ({top:#,0%})")
                : string.Create(CultureInfo.InvariantCulture, $"from 0 to {top}");
            result.AddError($"{name} must be {range}, got '{text}'");
        }

        return value;
    }

    /// <summary>Reads <c>0.5</c>, <c>50%</c> or <c>50 %</c> as 0.5; white space around the number or the sign is
    /// ignored, as <see cref="double.TryParse(string, NumberStyles, IFormatProvider, out double)"/> ignores it around a
    /// plain number. False for anything else, NaN and infinity.</summary>
    private static bool TryParseFraction(string text, out double value)
    {
        string trimmed = text.Trim();
        bool percent = trimmed.EndsWith('%');
        string number = percent ? trimmed[..^1].TrimEnd() : trimmed;
        if (number.Length > 0 && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
        {
            value = (percent ? value / 100 : value) + 0.0; // -0 is 0
            return true;
        }

        value = 0;
        return false;
    }
}
