using System.Globalization;
using Explainability.Core.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Explainability.Onnx.Runtime;

/// <summary>
/// Turns rows of a <see cref="FeatureTable"/> into ONNX Runtime input tensors: a per-column input by its name, a matrix
/// input by position through its column names. Inputs that are not features and are absent from the table get a
/// neutral value (0, empty string). Stateless after construction; thread-safe.
/// </summary>
internal sealed class InputBinder
{
    private readonly IReadOnlyList<OnnxInput> _inputs;

    public InputBinder(IReadOnlyList<OnnxInput> inputs) => _inputs = inputs;

    /// <summary>Resolves each input column to a table column (-1: neutral value) and checks the table's columns.</summary>
    /// <param name="table">The rows.</param>
    /// <param name="allowExtraColumns">Whether columns that are no model input are ignored rather than refused.</param>
    /// <param name="requireOffsets">Whether offset inputs (<see cref="OnnxInput.IsOffset"/>) must be present: true wherever the
    /// served output or the offset is computed; false for the ensemble's columns, which do not depend on them.</param>
    /// <exception cref="InputException">A feature (or a required offset) is missing or a table column is unknown.</exception>
    public int[][] Resolve(FeatureTable table, bool allowExtraColumns, bool requireOffsets = true)
    {
        var used = new bool[table.Columns.Count];
        var plan = new int[_inputs.Count][];
        for (int i = 0; i < _inputs.Count; i++)
        {
            var input = _inputs[i];
            plan[i] = new int[input.Width];
            for (int c = 0; c < input.Width; c++)
            {
                string name = input.ColumnNames[c];
                int index = table.IndexOf(name);
                if (index < 0 && input.IsOffset && requireOffsets && !input.IsFeature)
                {
                    throw new InputException(name,
                        $"offset '{name}' is missing from the rows: model input '{input.Name}' is a per-row offset added to the model's margin ({Describe(input.ElementType)}); it is required and never defaults to 0");
                }

                if (index < 0 && input.IsFeature)
                {
                    throw new InputException(name,
                        $"feature '{name}' is missing from the rows: model input '{input.Name}' needs it ({Describe(input.ElementType)}); the rows have columns {string.Join(", ", table.Columns.Select(MessageText.Quote))}");
                }

                plan[i][c] = index;
                if (index >= 0)
                {
                    used[index] = true;
                }
            }
        }

        if (!allowExtraColumns)
        {
            for (int k = 0; k < used.Length; k++)
            {
                if (!used[k])
                {
                    throw new InputException(table.Columns[k],
                        $"column {MessageText.Quote(table.Columns[k])} is not an input of the model; expected columns are {string.Join(", ", _inputs.SelectMany(x => x.ColumnNames).Select(x => $"'{x}'"))}");
                }
            }
        }

        return plan;
    }

    /// <summary>Builds the input tensors for rows <c>[start, start + count)</c>.</summary>
    /// <exception cref="InputException">A value has the wrong kind for its input.</exception>
    public List<NamedOnnxValue> Bind(FeatureTable table, int[][] plan, int start, int count)
    {
        var values = new List<NamedOnnxValue>(_inputs.Count);
        for (int i = 0; i < _inputs.Count; i++)
        {
            var input = _inputs[i];
            int w = input.Width;
            int[] dims = input.Shape.Count == 1 ? [count] : input.Shape.Count == 3 ? [count, 1, w] : [count, w];
            switch (input.ElementType)
            {
                case OnnxElementType.Float:
                    var f = new DenseTensor<float>(dims);
                    Fill(table, input, plan[i], start, count, (k, v) => f.Buffer.Span[k] = (float)Number(input, v, allowMissing: true));
                    values.Add(NamedOnnxValue.CreateFromTensor(input.Name, f));
                    break;
                case OnnxElementType.Double:
                    var d = new DenseTensor<double>(dims);
                    Fill(table, input, plan[i], start, count, (k, v) => d.Buffer.Span[k] = Number(input, v, allowMissing: true));
                    values.Add(NamedOnnxValue.CreateFromTensor(input.Name, d));
                    break;
                case OnnxElementType.Int64:
                    var l = new DenseTensor<long>(dims);
                    Fill(table, input, plan[i], start, count, (k, v) => l.Buffer.Span[k] = (long)Integral(input, v));
                    values.Add(NamedOnnxValue.CreateFromTensor(input.Name, l));
                    break;
                case OnnxElementType.Int32:
                    var n = new DenseTensor<int>(dims);
                    Fill(table, input, plan[i], start, count, (k, v) => n.Buffer.Span[k] = checked((int)Integral(input, v)));
                    values.Add(NamedOnnxValue.CreateFromTensor(input.Name, n));
                    break;
                case OnnxElementType.String:
                    var s = new DenseTensor<string>(dims);
                    Fill(table, input, plan[i], start, count, (k, v) => s.Buffer.Span[k] = Text(input, v));
                    values.Add(NamedOnnxValue.CreateFromTensor(input.Name, s));
                    break;
                default:
                    throw new InputException(input.Name, $"model input '{input.Name}' has an element type rows cannot be bound to");
            }
        }

        return values;
    }

    private static void Fill(FeatureTable table, OnnxInput input, int[] plan, int start, int count, Action<int, (string Name, FeatureValue Value)> set)
    {
        for (int r = 0; r < count; r++)
        {
            for (int c = 0; c < plan.Length; c++)
            {
                var value = plan[c] < 0 ? (FeatureValue?)null : table[start + r, plan[c]];
                set((r * plan.Length) + c, (input.ColumnNames[c], value ?? Neutral(input.ElementType)));
            }
        }
    }

    private static FeatureValue Neutral(OnnxElementType type) => type == OnnxElementType.String ? FeatureValue.Of("") : FeatureValue.Of(0.0);

    private static double Number(OnnxInput input, (string Name, FeatureValue Value) cell, bool allowMissing)
    {
        if (cell.Value.IsText)
        {
            throw new InputException(cell.Name,
                $"feature '{cell.Name}' has the text {MessageText.Quote(cell.Value.Text)}, but model input '{input.Name}' expects {Describe(input.ElementType)}");
        }

        if (!allowMissing && double.IsNaN(cell.Value.Number))
        {
            throw new InputException(cell.Name, $"feature '{cell.Name}' is missing, but model input '{input.Name}' expects {Describe(input.ElementType)}, which has no missing value");
        }

        return cell.Value.Number;
    }

    private static double Integral(OnnxInput input, (string Name, FeatureValue Value) cell)
    {
        double v = Number(input, cell, allowMissing: false);
        if (v != Math.Floor(v) || double.IsInfinity(v))
        {
            throw new InputException(cell.Name,
                $"feature '{cell.Name}' is {v.ToString("R", CultureInfo.InvariantCulture)}, but model input '{input.Name}' expects {Describe(input.ElementType)}");
        }

        return v;
    }

    private static string Text(OnnxInput input, (string Name, FeatureValue Value) cell)
    {
        if (cell.Value.IsText)
        {
            return cell.Value.Text!;
        }

        if (cell.Value.IsMissing)
        {
            return "";
        }

        throw new InputException(cell.Name,
            $"feature '{cell.Name}' is the number {cell.Value.Number.ToString("R", CultureInfo.InvariantCulture)}, but model input '{input.Name}' expects text (a category); pass the column as text");
    }

    internal static string Describe(OnnxElementType type) => type switch
    {
        OnnxElementType.Float => "a number (float32)",
        OnnxElementType.Double => "a number (float64)",
        OnnxElementType.Int64 => "an integer (int64)",
        OnnxElementType.Int32 => "an integer (int32)",
        OnnxElementType.String => "text (a category)",
        _ => "an unsupported element type",
    };
}
