using System.Globalization;

namespace Explainability.Core.Data;

/// <summary>
/// Parses CSV text (RFC 4180: comma separated, double-quoted fields, a header row) into a <see cref="FeatureTable"/>.
/// A cell that parses as an invariant-culture number is a number; an empty cell or <c>NaN</c> is missing; anything
/// else is text. Parsing only: the caller reads the file.
/// </summary>
public static class CsvTableReader
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The whole CSV text, header first.</param>
    /// <param name="source">A name for error messages (the file path).</param>
    /// <param name="textColumns">Columns whose cells are always text, even when they look numeric (e.g. a class label "1").</param>
    /// <exception cref="FormatException">No header, a row with a different number of fields than the header, or a quoted
    /// field that is never closed (the message names the line; for an open quote, the line where the field started).</exception>
    public static FeatureTable Parse(string text, string source, IReadOnlySet<string>? textColumns = null)
    {
        var reader = new CsvChunkReader(new StringReader(text), source, textColumns);
        return reader.ReadChunk(int.MaxValue);
    }

    /// <summary>Parses one cell: empty or NaN is missing, an invariant number is a number, else text.</summary>
    public static FeatureValue ParseCell(string field, bool forceText = false)
    {
        string s = field.Trim();
        if (s.Length == 0 || s.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            return FeatureValue.Missing;
        }

        if (!forceText && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            return FeatureValue.Of(v);
        }

        return FeatureValue.Of(field);
    }
}
