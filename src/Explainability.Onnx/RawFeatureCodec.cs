using System.Globalization;
using Explainability.Core.Data;

namespace Explainability.Onnx;

/// <summary>
/// The one place that turns raw rows (numbers and category strings, a <see cref="FeatureTable"/>) into the numeric rows a
/// black-box explainer perturbs, <c>double[rows, features]</c>, and back. A numeric feature is carried as is (NaN is
/// missing); a categorical feature as a category code, an index into <see cref="Categories"/>, NaN for missing. Codes
/// identify categories and carry no order: explainers only copy a whole value from a background row into another row.
/// Immutable and thread-safe.
/// </summary>
public sealed class RawFeatureCodec
{
    private readonly string[]?[] _categories;
    private readonly Dictionary<string, int>[] _codes;
    private readonly Dictionary<string, int> _index;

    /// <summary>Builds a codec.</summary>
    /// <param name="featureNames">Raw feature names in the order of the encoded columns, <c>[features]</c>.</param>
    /// <param name="categoricalFeatures">Which of them are categorical (text); the others are numeric.</param>
    /// <param name="background">Rows whose categories the codec must know (columns matched by name, others ignored),
    /// or null. Categories are numbered after the supplied ones, in order of first appearance.</param>
    /// <param name="categories">Further categories per categorical feature, e.g. from a model card, numbered first and in
    /// the given order; or null.</param>
    /// <exception cref="ArgumentException">A name is repeated, or a categorical feature or supplied category list names no feature.</exception>
    /// <exception cref="InputException">A background cell of a categorical feature is a number rather than text.</exception>
    public RawFeatureCodec(
        IReadOnlyList<string> featureNames,
        IReadOnlySet<string> categoricalFeatures,
        FeatureTable? background = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? categories = null)
    {
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int f = 0; f < featureNames.Count; f++)
        {
            if (!_index.TryAdd(featureNames[f], f))
            {
                throw new ArgumentException($"feature '{featureNames[f]}' appears twice", nameof(featureNames));
            }
        }

        foreach (string name in categoricalFeatures.Concat(categories?.Keys ?? []))
        {
            if (!_index.ContainsKey(name))
            {
                throw new ArgumentException($"'{name}' is given as categorical or with categories but is not a feature; the features are {string.Join(", ", featureNames.Select(n => $"'{n}'"))}");
            }
        }

        FeatureNames = [.. featureNames];
        var lists = featureNames.Select(n => categoricalFeatures.Contains(n) ? new List<string>() : null).ToArray();
        _codes = [.. featureNames.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal))];
        void Add(int f, string category)
        {
            if (_codes[f].TryAdd(category, lists[f]!.Count))
            {
                lists[f]!.Add(category);
            }
        }

        foreach (var (name, list) in categories ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            int f = _index[name];
            if (lists[f] is null)
            {
                throw new ArgumentException($"categories are given for '{name}', which is numeric", nameof(categories));
            }

            foreach (string c in list)
            {
                Add(f, c);
            }
        }

        if (background is not null)
        {
            for (int f = 0; f < featureNames.Count; f++)
            {
                int column = background.IndexOf(featureNames[f]);
                if (lists[f] is null || column < 0)
                {
                    continue;
                }

                for (int r = 0; r < background.RowCount; r++)
                {
                    var cell = background[r, column];
                    if (cell.IsText)
                    {
                        Add(f, cell.Text!);
                    }
                    else if (!cell.IsMissing)
                    {
                        throw new InputException(featureNames[f],
                            $"background row {r} has the number {cell.Number.ToString("R", CultureInfo.InvariantCulture)} for the categorical feature '{featureNames[f]}'; categories are text (read the column as text)");
                    }
                }
            }
        }

        _categories = [.. lists.Select(l => l?.ToArray())];
    }

    /// <summary>
    /// A codec for <paramref name="model"/>'s black-box inputs (<see cref="OnnxModel.BlackBoxInputNames"/>): a column of a
    /// text (string) model input is categorical, every other one numeric.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="background">Rows whose categories the codec must know, or null.</param>
    /// <param name="categories">Further categories per categorical feature (e.g. a model card's), or null.</param>
    /// <exception cref="ArgumentException">As for the constructor.</exception>
    /// <exception cref="InputException">As for the constructor.</exception>
    public static RawFeatureCodec For(OnnxModel model, FeatureTable? background = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? categories = null)
    {
        var text = model.Inputs.Where(i => i.ElementType == OnnxElementType.String).SelectMany(i => i.ColumnNames).ToHashSet(StringComparer.Ordinal);
        var names = model.BlackBoxInputNames;
        return new RawFeatureCodec(names, names.Where(text.Contains).ToHashSet(StringComparer.Ordinal), background, categories);
    }

    /// <summary>Feature names, <c>[features]</c>: the columns of an encoded row.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Number of features.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Whether feature <paramref name="feature"/> is categorical.</summary>
    public bool IsCategorical(int feature) => _categories[feature] is not null;

    /// <summary>The categories of feature <paramref name="feature"/>, indexed by code; empty for a numeric feature.</summary>
    public IReadOnlyList<string> Categories(int feature) => _categories[feature] ?? [];

    /// <summary>The index of feature <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out int f) ? f : -1;

    /// <summary>Encodes one value of feature <paramref name="feature"/>: the number, or the category's code; NaN for missing.</summary>
    /// <exception cref="InputException">Text for a numeric feature, a number for a categorical one, or a category the codec does not know.</exception>
    public double Encode(int feature, FeatureValue value)
    {
        string name = FeatureNames[feature];
        if (value.IsMissing)
        {
            return double.NaN;
        }

        if (_categories[feature] is not { } known)
        {
            return value.IsText
                ? throw new InputException(name, $"feature '{name}' is numeric, but the value is the text '{value.Text}'")
                : value.Number;
        }

        if (!value.IsText)
        {
            throw new InputException(name,
                $"feature '{name}' is categorical (text), but the value is the number {value.Number.ToString("R", CultureInfo.InvariantCulture)}; pass the category as text");
        }

        return _codes[feature].TryGetValue(value.Text!, out int code)
            ? code
            : throw new InputException(name,
                $"feature '{name}' has the category '{value.Text}', which is neither in the background rows nor in the supplied categories; known: {string.Join(", ", known.Select(c => $"'{c}'"))}");
    }

    /// <summary>Encodes <paramref name="rows"/> (columns matched by name; other columns ignored), <c>[rows, features]</c> row-major.</summary>
    /// <exception cref="InputException">A feature column is missing, or a value cannot be encoded (see <see cref="Encode(int, FeatureValue)"/>).</exception>
    public double[] Encode(FeatureTable rows)
    {
        int m = FeatureCount;
        var columns = new int[m];
        for (int f = 0; f < m; f++)
        {
            columns[f] = rows.IndexOf(FeatureNames[f]);
            if (columns[f] < 0)
            {
                throw new InputException(FeatureNames[f],
                    $"feature '{FeatureNames[f]}' is missing from the rows; they have columns {string.Join(", ", rows.Columns.Select(c => $"'{c}'"))}");
            }
        }

        var result = new double[rows.RowCount * m];
        for (int r = 0; r < rows.RowCount; r++)
        {
            for (int f = 0; f < m; f++)
            {
                result[(r * m) + f] = Encode(f, rows[r, columns[f]]);
            }
        }

        return result;
    }

    /// <summary>Decodes one value of feature <paramref name="feature"/>: a number, a category, or missing (NaN).</summary>
    /// <exception cref="InputException">A categorical code that is not a whole number in <c>[0, categories)</c>.</exception>
    public FeatureValue Decode(int feature, double value)
    {
        if (double.IsNaN(value))
        {
            return FeatureValue.Missing;
        }

        if (_categories[feature] is not { } known)
        {
            return FeatureValue.Of(value);
        }

        return value >= 0 && value < known.Length && value == Math.Floor(value)
            ? FeatureValue.Of(known[(int)value])
            : throw new InputException(FeatureNames[feature],
                $"code {value.ToString("R", CultureInfo.InvariantCulture)} of the categorical feature '{FeatureNames[feature]}' is not one of 0..{known.Length - 1}");
    }

    /// <summary>Decodes encoded rows <c>[rows, features]</c> into a table with columns <see cref="FeatureNames"/>.</summary>
    /// <exception cref="ArgumentException">The buffer is not a whole number of rows.</exception>
    /// <exception cref="InputException">As for <see cref="Decode(int, double)"/>.</exception>
    public FeatureTable Decode(ReadOnlySpan<double> rows)
    {
        int m = FeatureCount;
        if (m == 0 ? rows.Length != 0 : rows.Length % m != 0)
        {
            throw new ArgumentException($"a buffer of {rows.Length} values is not a whole number of rows of {m} features", nameof(rows));
        }

        var cells = new FeatureValue[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            cells[i] = Decode(i % m, rows[i]);
        }

        return new FeatureTable(FeatureNames, cells);
    }
}
