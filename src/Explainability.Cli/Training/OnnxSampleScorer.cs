using Explainability.Core.Data;
using Explainability.Views.ModelCards;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Explainability.Cli.Training;

/// <summary>
/// Runs an exported sample model in ONNX Runtime on raw rows: one input per card feature, shape <c>[rows, 1]</c>,
/// <c>float</c> for numeric and <c>string</c> for categorical features. Used to check the export, not to serve.
/// </summary>
internal static class OnnxSampleScorer
{
    /// <summary>Scores <paramref name="rows"/> and returns every float output, by ONNX output name, as <c>[rows]</c>
    /// (the outputs of these models are <c>[rows, 1]</c>).</summary>
    /// <exception cref="InvalidDataException">A card feature is missing from <paramref name="rows"/>, or a numeric cell holds text.</exception>
    public static IReadOnlyDictionary<string, float[]> Score(byte[] model, FeatureTable rows, IReadOnlyList<FeatureCard> features)
    {
        // Warnings off: ML.NET declares OneHotEncoder outputs as [N, k] where ONNX Runtime infers [N, 1, k] and says so.
        using var sessionOptions = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, sessionOptions);
        long[] shape = [rows.RowCount, 1];
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var feature in features)
            {
                int column = rows.IndexOf(feature.Name);
                if (column < 0)
                {
                    throw new InvalidDataException($"the rows have no column '{feature.Name}' (a model input)");
                }

                names.Add(feature.Name);
                if (feature.Type == "categorical")
                {
                    var text = new string[rows.RowCount];
                    for (int r = 0; r < text.Length; r++)
                    {
                        text[r] = rows[r, column].ToString();
                    }

                    values.Add(OrtValue.CreateFromStringTensor(new DenseTensor<string>(text, [rows.RowCount, 1])));
                }
                else
                {
                    var numbers = new float[rows.RowCount];
                    for (int r = 0; r < numbers.Length; r++)
                    {
                        var cell = rows[r, column];
                        numbers[r] = cell.IsText
                            ? throw new InvalidDataException($"row {r}, column '{feature.Name}': expected a number, got '{cell.Text}'")
                            : (float)cell.Number;
                    }

                    values.Add(OrtValue.CreateTensorValueFromMemory(numbers, shape));
                }
            }

            var floatOutputs = session.OutputMetadata
                .Where(o => o.Value.IsTensor && o.Value.ElementDataType == TensorElementType.Float)
                .Select(o => o.Key)
                .ToList();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, values, floatOutputs);
            var scores = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int k = 0; k < floatOutputs.Count; k++)
            {
                scores[floatOutputs[k]] = results[k].GetTensorDataAsSpan<float>().ToArray();
            }

            return scores;
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }
}
