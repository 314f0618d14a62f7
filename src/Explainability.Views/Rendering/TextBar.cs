using System.Text;

namespace Explainability.Views.Rendering;

/// <summary>Bars drawn with block characters, for charts in text and Markdown views (HTML templates draw SVG instead).</summary>
public static class TextBar
{
    /// <summary>Width in characters of a full bar.</summary>
    public const int DefaultWidth = 30;

    // Left-aligned eighth blocks: U+258F (one eighth) .. U+2588 (full block).
    private static readonly char[] Eighths = ['\u258F', '\u258E', '\u258D', '\u258C', '\u258B', '\u258A', '\u2589', '\u2588'];

    /// <summary>A bar from the left of <paramref name="fraction"/> (0..1, clamped) of <paramref name="width"/> characters, to
    /// the nearest eighth of a character; at least one eighth for a positive fraction, empty for 0.</summary>
    public static string Horizontal(double fraction, int width = DefaultWidth)
    {
        double eighths = Math.Round(Math.Clamp(double.IsFinite(fraction) ? fraction : 0, 0, 1) * width * 8);
        if (eighths == 0 && fraction > 0)
        {
            eighths = 1;
        }

        int full = (int)(eighths / 8), rest = (int)(eighths % 8);
        var sb = new StringBuilder(full + 1);
        sb.Append(Eighths[7], full);
        if (rest > 0)
        {
            sb.Append(Eighths[rest - 1]);
        }

        return sb.ToString();
    }

    /// <summary>A run of <paramref name="fill"/> from position <paramref name="from"/> to <paramref name="to"/> (fractions of
    /// <paramref name="width"/>, clamped to 0..1, either order), after leading spaces; at least one character wide.</summary>
    public static string Span(double from, double to, char fill, int width = DefaultWidth)
    {
        double lo = Math.Clamp(Math.Min(from, to), 0, 1), hi = Math.Clamp(Math.Max(from, to), 0, 1);
        int a = (int)Math.Round(lo * width), b = (int)Math.Round(hi * width);
        if (b <= a)
        {
            if (a >= width)
            {
                a = width - 1;
            }

            b = a + 1;
        }

        return new string(' ', a) + new string(fill, b - a);
    }
}
