using System.Globalization;
using System.Text;

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
        var records = ReadRecords(text, source).ToList();
        if (records.Count == 0)
        {
            throw new FormatException($"{source}: the CSV has no header row");
        }

        var header = records[0].Fields;
        var isText = header.Select(h => textColumns?.Contains(h) == true).ToArray();
        var cells = new List<FeatureValue>((records.Count - 1) * header.Count);
        for (int i = 1; i < records.Count; i++)
        {
            var (line, fields) = records[i];
            if (fields.Count != header.Count)
            {
                throw new FormatException($"{source}: line {line} has {fields.Count} fields, the header has {header.Count}");
            }

            for (int c = 0; c < fields.Count; c++)
            {
                cells.Add(ParseCell(fields[c], isText[c]));
            }
        }

        return new FeatureTable(header, [.. cells]);
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

    private static IEnumerable<(int Line, List<string> Fields)> ReadRecords(string text, string source)
    {
        int i = 0, line = 1;
        while (i < text.Length)
        {
            int startLine = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            bool inQuotes = false, endOfRecord = false;
            int quoteLine = line;
            while (i < text.Length && !endOfRecord)
            {
                char ch = text[i++];
                if (inQuotes)
                {
                    if (ch == '"')
                    {
                        if (i < text.Length && text[i] == '"')
                        {
                            field.Append('"');
                            i++;
                        }
                        else
                        {
                            inQuotes = false;
                        }
                    }
                    else
                    {
                        if (ch == '\n')
                        {
                            line++;
                        }

                        field.Append(ch);
                    }
                }
                else if (ch == '"')
                {
                    inQuotes = true;
                    quoteLine = line;
                }
                else if (ch == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else if (ch == '\r')
                {
                    continue;
                }
                else if (ch == '\n')
                {
                    line++;
                    endOfRecord = true;
                }
                else
                {
                    field.Append(ch);
                }
            }

            // Without this check an open quote would swallow the rest of the file into one field, silently dropping rows.
            if (inQuotes)
            {
                throw new FormatException($"{source}: line {quoteLine}: unterminated quoted field");
            }

            fields.Add(field.ToString());
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            yield return (startLine, fields);
        }
    }
}
