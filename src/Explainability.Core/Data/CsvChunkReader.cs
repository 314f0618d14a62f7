using System.Text;

namespace Explainability.Core.Data;

/// <summary>
/// Reads CSV text (RFC 4180: comma separated, double-quoted fields, a header row) from a <see cref="TextReader"/> a chunk of
/// rows at a time, so that a file of any length is parsed in bounded memory. Cells are parsed as in
/// <see cref="CsvTableReader"/>: an invariant-culture number is a number, an empty cell or <c>NaN</c> is missing, anything
/// else is text. Parsing only: the caller opens (and disposes) the reader.
/// </summary>
public sealed class CsvChunkReader
{
    private readonly TextReader _reader;
    private readonly string _source;
    private readonly bool[] _isText;
    private readonly StringBuilder _field = new();
    private int _line = 1;

    /// <summary>Reads the header from <paramref name="reader"/>.</summary>
    /// <param name="reader">The CSV text, positioned at the header.</param>
    /// <param name="source">A name for error messages (the file path).</param>
    /// <param name="textColumns">Columns whose cells are always text, even when they look numeric (e.g. a class label "1").</param>
    /// <exception cref="FormatException">No header row, or a quoted header field that is never closed.</exception>
    public CsvChunkReader(TextReader reader, string source, IReadOnlySet<string>? textColumns = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _source = source;
        var header = ReadRecord(out _) ?? throw new FormatException($"{source}: the CSV has no header row");
        Columns = header;
        _isText = [.. header.Select(h => textColumns?.Contains(h) == true)];
    }

    /// <summary>Column names of the header, <c>[columns]</c>.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Data rows read (or skipped) so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Reads up to <paramref name="maxRows"/> data rows; an empty table at the end of the text.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is below 1.</exception>
    /// <exception cref="FormatException">A row with a different number of fields than the header, or a quoted field that is
    /// never closed (the message names the line of the file; for an open quote, the line where the field started).</exception>
    public FeatureTable ReadChunk(int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var cells = new List<FeatureValue>(Math.Min(maxRows, 4096) * Columns.Count);
        for (int n = 0; n < maxRows && ReadDataRecord() is { } fields; n++)
        {
            for (int c = 0; c < fields.Count; c++)
            {
                cells.Add(CsvTableReader.ParseCell(fields[c], _isText[c]));
            }
        }

        return new FeatureTable(Columns, [.. cells]);
    }

    /// <summary>Skips up to <paramref name="rows"/> data rows (checking their shape, not their cells); returns how many were skipped.</summary>
    /// <exception cref="FormatException">As <see cref="ReadChunk"/>.</exception>
    public long Skip(long rows)
    {
        long skipped = 0;
        while (skipped < rows && ReadDataRecord() is not null)
        {
            skipped++;
        }

        return skipped;
    }

    private List<string>? ReadDataRecord()
    {
        var fields = ReadRecord(out int line);
        if (fields is null)
        {
            return null;
        }

        if (fields.Count != Columns.Count)
        {
            throw new FormatException($"{_source}: line {line} has {fields.Count} fields, the header has {Columns.Count}");
        }

        RowsRead++;
        return fields;
    }

    /// <summary>The next record that is not a blank line, or null at the end; <paramref name="startLine"/> is its first line.</summary>
    private List<string>? ReadRecord(out int startLine)
    {
        while (_reader.Peek() >= 0)
        {
            startLine = _line;
            var fields = new List<string>();
            bool inQuotes = false, endOfRecord = false;
            int quoteLine = _line;
            _field.Clear();
            while (!endOfRecord && _reader.Read() is var read && read >= 0)
            {
                char ch = (char)read;
                if (inQuotes)
                {
                    if (ch == '"')
                    {
                        if (_reader.Peek() == '"')
                        {
                            _field.Append('"');
                            _reader.Read();
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
                            _line++;
                        }

                        _field.Append(ch);
                    }
                }
                else if (ch == '"')
                {
                    inQuotes = true;
                    quoteLine = _line;
                }
                else if (ch == ',')
                {
                    fields.Add(_field.ToString());
                    _field.Clear();
                }
                else if (ch == '\r')
                {
                    continue;
                }
                else if (ch == '\n')
                {
                    _line++;
                    endOfRecord = true;
                }
                else
                {
                    _field.Append(ch);
                }
            }

            // Without this check an open quote would swallow the rest of the file into one field, silently dropping rows.
            if (inQuotes)
            {
                throw new FormatException($"{_source}: line {quoteLine}: unterminated quoted field");
            }

            fields.Add(_field.ToString());
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            return fields;
        }

        startLine = _line;
        return null;
    }
}
