using System.Globalization;
using Explainability.Core.Data;
using Parquet;
using Parquet.Schema;

namespace Explainability.Cli.Input;

/// <summary>
/// Reads input rows from a Parquet file (Parquet.Net) into a <see cref="FeatureTable"/>, with the meaning a CSV file's cells
/// have (<see cref="CsvTableReader"/>): a column of numbers (double, float, 8- to 64-bit integers, decimal) gives numbers,
/// null is missing; a string column gives categories, its empty strings and nulls missing, and a number written as text in
/// a column that is no text column of the card is read as a number, as in a CSV. A number in a text column of the card (a
/// categorical feature coded as integers) becomes its invariant text, as the same cell of a CSV would. Every row group is read.
/// </summary>
internal static class ParquetTableReader
{
    /// <summary>The column names of the file at <paramref name="path"/>, in the file's order.</summary>
    /// <exception cref="InvalidDataException">The file is no Parquet file; the message names it.</exception>
    public static IReadOnlyList<string> Columns(string path) => Run(path, async file =>
    {
        await using var reader = await ParquetReader.CreateAsync(file);
        return (IReadOnlyList<string>)[.. reader.Schema.GetDataFields().Select(f => f.Name)];
    });

    /// <summary>Reads every row of the file at <paramref name="path"/>.</summary>
    /// <param name="path">A Parquet file with one flat column per input.</param>
    /// <param name="textColumns">Columns whose values are categories even when written as numbers; null for none.</param>
    /// <exception cref="InvalidDataException">The file is no Parquet file, or a column is nested, repeated or of a type that
    /// is no number or string; the message names the file and the column.</exception>
    public static FeatureTable Read(string path, IReadOnlySet<string>? textColumns = null) => Run(path, async file =>
    {
        await using var reader = await ParquetReader.CreateAsync(file);
        var fields = reader.Schema.GetDataFields();
        if (reader.Schema.Fields.Count != fields.Length || fields.Any(f => f.IsArray))
        {
            throw new InvalidDataException($"{path}: nested or repeated Parquet columns cannot be input rows; expected one flat column per input");
        }

        var columns = fields.Select(_ => new List<FeatureValue>()).ToArray();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int count = checked((int)group.RowCount);
            for (int c = 0; c < fields.Length; c++)
            {
                columns[c].AddRange(await ReadColumn(group, fields[c], count, textColumns?.Contains(fields[c].Name) == true, path));
            }
        }

        int rows = columns.Length == 0 ? 0 : columns[0].Count;
        var cells = new FeatureValue[rows * fields.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < fields.Length; c++)
            {
                cells[(r * fields.Length) + c] = columns[c][r];
            }
        }

        return new FeatureTable([.. fields.Select(f => f.Name)], cells);
    });

    /// <summary>Whether <paramref name="path"/> names a Parquet file (by its extension <c>.parquet</c>, any case).</summary>
    public static bool IsParquet(string path) => Path.GetExtension(path).Equals(".parquet", StringComparison.OrdinalIgnoreCase);

    private static T Run<T>(string path, Func<Stream, Task<T>> read)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no Parquet file at {path}", path);
        }

        using var file = File.OpenRead(path);
        try
        {
            return read(file).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ArgumentException or InvalidOperationException && e is not FileNotFoundException)
        {
            throw new InvalidDataException($"{path} cannot be read as Parquet: {e.Message}", e);
        }
    }

    private static async Task<IEnumerable<FeatureValue>> ReadColumn(ParquetRowGroupReader group, DataField field, int count, bool text, string path)
    {
        var type = field.ClrType;
        // Parquet.Net 6 reports a string column read from a file as ReadOnlyMemory<char>; both read as strings.
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory());
            return values.Select(v => string.IsNullOrEmpty(v) ? FeatureValue.Missing : CsvTableReader.ParseCell(v, forceText: text));
        }

        return type switch
        {
            _ when type == typeof(double) => await Numbers<double>(group, field, count, text, v => v),
            _ when type == typeof(float) => await Numbers<float>(group, field, count, text, v => v),
            _ when type == typeof(long) => await Numbers<long>(group, field, count, text, v => v),
            _ when type == typeof(int) => await Numbers<int>(group, field, count, text, v => v),
            _ when type == typeof(short) => await Numbers<short>(group, field, count, text, v => v),
            _ when type == typeof(sbyte) => await Numbers<sbyte>(group, field, count, text, v => v),
            _ when type == typeof(byte) => await Numbers<byte>(group, field, count, text, v => v),
            _ when type == typeof(decimal) => await Numbers<decimal>(group, field, count, text, v => (double)v),
            _ => throw new InvalidDataException($"{path}: column '{field.Name}' is of Parquet type {type.Name}; expected numbers or strings"),
        };
    }

    private static async Task<IEnumerable<FeatureValue>> Numbers<T>(ParquetRowGroupReader group, DataField field, int count, bool text, Func<T, double> number)
        where T : struct, IFormattable
    {
        FeatureValue Of(T v) => text ? FeatureValue.Of(v.ToString(null, CultureInfo.InvariantCulture)) : FeatureValue.Of(number(v));
        if (field.IsNullable)
        {
            var values = new T?[count];
            await group.ReadAsync(field, values.AsMemory());
            return values.Select(v => v is { } x ? Of(x) : FeatureValue.Missing);
        }

        var plain = new T[count];
        await group.ReadAsync(field, plain.AsMemory());
        return plain.Select(Of);
    }
}
