using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Explainability.Cli.Tests;

/// <summary>
/// Runs an ONNX file with ONNX Runtime directly, independently of the code under test: the truth the explanations'
/// model outputs are checked against. Inputs come from CSV-like rows: a string input takes its column as text, a float
/// input <c>[N, M]</c> takes <c>M</c> columns (by position for a matrix input, by name for a per-column input); an
/// empty cell or NaN is float NaN.
/// </summary>
internal static class OrtReference
{
    /// <summary>The float values of output <paramref name="outputName"/>, <c>[rows]</c> (first column).</summary>
    public static float[] Run(string onnxPath, IReadOnlyList<string> header, IReadOnlyList<string[]> rows, string outputName)
    {
        using var session = new InferenceSession(onnxPath);
        var feeds = new List<NamedOnnxValue>();
        int n = rows.Count;
        foreach (var (name, meta) in session.InputMetadata)
        {
            int width = meta.Dimensions.Length > 1 && meta.Dimensions[^1] > 1 ? meta.Dimensions[^1] : 1;
            int[] columns = width == 1 ? [Index(header, name)] : [.. Enumerable.Range(0, width)];
            if (meta.ElementType == typeof(string))
            {
                var t = new DenseTensor<string>([n, 1]);
                for (int r = 0; r < n; r++)
                {
                    t[r, 0] = rows[r][columns[0]];
                }

                feeds.Add(NamedOnnxValue.CreateFromTensor(name, t));
            }
            else
            {
                var t = new DenseTensor<float>([n, width]);
                for (int r = 0; r < n; r++)
                {
                    for (int c = 0; c < width; c++)
                    {
                        string cell = rows[r][columns[c]].Trim();
                        t[r, c] = cell.Length == 0 ? float.NaN : float.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                feeds.Add(NamedOnnxValue.CreateFromTensor(name, t));
            }
        }

        using var results = session.Run(feeds, [outputName]);
        var values = results.Single().AsTensor<float>().ToArray();
        int stride = values.Length / n;
        return [.. Enumerable.Range(0, n).Select(r => values[r * stride])];
    }

    private static int Index(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
        {
            if (header[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"no column '{name}' in the header", nameof(name));
    }
}
