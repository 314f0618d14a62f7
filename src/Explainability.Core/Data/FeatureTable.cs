namespace Explainability.Core.Data;

/// <summary>
/// Raw input rows as a person or a consuming system supplies them: named columns, each cell a number or a
/// category string. Cells are row-major, <c>[rows, columns]</c>. Immutable.
/// </summary>
public sealed class FeatureTable
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a table.</summary>
    /// <exception cref="ArgumentException">Duplicate column names, or a cell count that is not rows x columns.</exception>
    public FeatureTable(IReadOnlyList<string> columns, FeatureValue[] cells)
    {
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            if (!_index.TryAdd(columns[i], i))
            {
                throw new ArgumentException($"column '{columns[i]}' appears twice", nameof(columns));
            }
        }

        if (columns.Count == 0 ? cells.Length != 0 : cells.Length % columns.Count != 0)
        {
            throw new ArgumentException($"{cells.Length} cells is not a whole number of rows of {columns.Count} columns", nameof(cells));
        }

        Columns = columns;
        Cells = cells;
        RowCount = columns.Count == 0 ? 0 : cells.Length / columns.Count;
    }

    /// <summary>Column names, <c>[columns]</c>.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Cells, <c>[rows, columns]</c>.</summary>
    public FeatureValue[] Cells { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The cell at row <paramref name="row"/>, column <paramref name="column"/>.</summary>
    public FeatureValue this[int row, int column] => Cells[(row * Columns.Count) + column];

    /// <summary>The index of column <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out int i) ? i : -1;

    /// <summary>A table with the rows <paramref name="rows"/> of this one.</summary>
    public FeatureTable SelectRows(IEnumerable<int> rows)
    {
        var cells = new List<FeatureValue>();
        foreach (int r in rows)
        {
            cells.AddRange(Cells.AsSpan(r * Columns.Count, Columns.Count));
        }

        return new FeatureTable(Columns, [.. cells]);
    }
}
