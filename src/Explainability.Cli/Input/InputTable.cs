using Explainability.Cli.Commands;
using Explainability.Core.Data;
using Explainability.Server.Models;
using Explainability.Views.ModelCards;

namespace Explainability.Cli.Input;

/// <summary>Input rows of <c>summarize</c>, <c>drift</c> and <c>report</c>: a CSV file (<see cref="LoadedModel.ReadTable"/>),
/// or a Parquet file when its name ends in <c>.parquet</c> (<see cref="ParquetTableReader"/>).</summary>
internal static class InputTable
{
    /// <summary>The column names of the input at <paramref name="path"/> (the CSV header or the Parquet schema).</summary>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">A Parquet file that cannot be read.</exception>
    public static IReadOnlyList<string> Columns(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no input file at {path}", path);
        }

        return ParquetTableReader.IsParquet(path)
            ? ParquetTableReader.Columns(path)
            : CsvTableReader.Parse(ExplainCommand.FirstLine(path), path).Columns;
    }

    /// <summary>Every row of the input at <paramref name="path"/>; the card's categorical features are read as text.</summary>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">A file that cannot be read, or one without rows (a header only); the message
    /// names it.</exception>
    public static FeatureTable Read(string path, ModelCard? card)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no input file at {path}", path);
        }

        FeatureTable table;
        if (ParquetTableReader.IsParquet(path))
        {
            var text = card?.Features.Where(f => f.Type == "categorical").Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            table = ParquetTableReader.Read(path, text);
        }
        else
        {
            table = LoadedModel.ReadTable(path, card);
        }

        return table.RowCount > 0 ? table : throw new InvalidDataException($"{path} has no rows, only its column names; expected at least one row");
    }
}
