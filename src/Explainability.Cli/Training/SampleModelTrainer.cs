using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Explainability.Core.Data;
using Explainability.Views.ModelCards;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms;
using LightGbmModel = Microsoft.ML.Data.TransformerChain<Microsoft.ML.Data.BinaryPredictionTransformer<
    Microsoft.ML.Calibrators.CalibratedModelParametersBase<Microsoft.ML.Trainers.LightGbm.LightGbmBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>>;
using LightGbmPipeline = Microsoft.ML.Data.EstimatorChain<Microsoft.ML.Data.BinaryPredictionTransformer<
    Microsoft.ML.Calibrators.CalibratedModelParametersBase<Microsoft.ML.Trainers.LightGbm.LightGbmBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>>;

namespace Explainability.Cli.Training;

/// <summary>
/// Trains a shipped sample model from its <c>training-data.csv</c> and writes the model folder: <c>model.onnx</c>,
/// <c>model-card.json</c>, <c>background.csv</c>, <c>LICENSE-DATA.md</c>, <c>README.md</c> (and the training data when
/// the output folder is another one). Deterministic: one thread, fixed seeds, so a re-run gives the same predictions.
/// </summary>
/// <remarks>
/// The ONNX model takes one input per raw feature, <c>[rows, 1]</c>, float or string. Categorical features are one-hot
/// encoded inside the pipeline rather than with LightGBM's categorical splits, whose ONNX export ONNX Runtime refuses.
/// </remarks>
internal sealed class SampleModelTrainer(TrainingSettings settings)
{
    /// <summary>The sample models that <c>train-samples</c> builds.</summary>
    public static IReadOnlyList<SampleModelSpec> Samples { get; } = [CreditRiskSample.Spec, CardFraudSample.Spec];

    /// <summary>The exported ONNX columns (ML.NET names them <c>&lt;column&gt;.output</c>).</summary>
    private static readonly string[] ExportedColumns = ["PredictedLabel", "Score", "Probability"];

    private static readonly JsonSerializerOptions CardWriteOptions = new(ModelCardReader.JsonOptions)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    };

    /// <summary>The settings in use.</summary>
    public TrainingSettings Settings { get; } = settings;

    /// <summary>
    /// Trains <paramref name="spec"/> from <c>&lt;dataDir&gt;/&lt;id&gt;/training-data.csv</c> and writes
    /// <c>&lt;outDir&gt;/&lt;id&gt;/</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No training data file.</exception>
    /// <exception cref="InvalidDataException">The data lacks a card feature or the label column, has a label value
    /// other than the two expected, has text in a numeric column, or the ONNX export disagrees with ML.NET.</exception>
    public SampleModelReport Train(SampleModelSpec spec, string dataDir, string outDir)
    {
        string dataPath = Path.GetFullPath(Path.Combine(dataDir, spec.Id, SampleModelSpec.TrainingDataFile));
        if (!File.Exists(dataPath))
        {
            throw new FileNotFoundException($"training data for '{spec.Id}' not found at {dataPath}", dataPath);
        }

        string text = File.ReadAllText(dataPath);
        var textColumns = spec.Card.Features.Where(f => f.Type == "categorical").Select(f => f.Name).Append(spec.LabelColumn).ToHashSet(StringComparer.Ordinal);
        var table = CsvTableReader.Parse(text, dataPath, textColumns);
        Validate(spec, table, dataPath);

        var ml = new MLContext(seed: Settings.Seed);
        var featureColumns = spec.Card.Features
            .Select(f => new TextLoader.Column(f.Name, f.Type == "categorical" ? DataKind.String : DataKind.Single, table.IndexOf(f.Name)))
            .ToArray();
        var labelColumn = new TextLoader.Column(spec.LabelColumn, DataKind.String, table.IndexOf(spec.LabelColumn));
        var raw = Loader(ml, [.. featureColumns, labelColumn]).Load(dataPath);
        var labelled = ml.Transforms.Conversion
            .MapValue("Label", [new(spec.PositiveLabelValue, true), new KeyValuePair<string, bool>(spec.NegativeLabelValue, false)], spec.LabelColumn)
            .Fit(raw)
            .Transform(raw);

        var pipeline = Pipeline(ml, spec.Card.Features);

        var split = ml.Data.TrainTestSplit(labelled, Settings.TestFraction, seed: Settings.Seed);
        var heldOutModel = pipeline.Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(heldOutModel.Transform(split.TestSet));
        int trainRows = split.TrainSet.GetColumn<bool>("Label").Count();
        int testRows = split.TestSet.GetColumn<bool>("Label").Count();

        // The shipped model is trained on all rows with the same settings.
        var model = pipeline.Fit(labelled);

        // Export from a view without the label column, so that the ONNX graph has only the raw features as inputs.
        var exportInput = Loader(ml, featureColumns).Load(dataPath);
        byte[] onnx;
        using (var stream = new MemoryStream())
        {
            ml.Model.ConvertToOnnx(model, exportInput, stream, ExportedColumns);
            onnx = stream.ToArray();
        }

        var (background, reference) = SampleBackgroundAndReference(text, table.RowCount);
        var backgroundTable = CsvTableReader.Parse(background, "background.csv", textColumns);
        double maxDifference = CheckExport(ml, spec, model, onnx, backgroundTable);

        string folder = Path.GetFullPath(Path.Combine(outDir, spec.Id));
        Directory.CreateDirectory(folder);
        string sha = Convert.ToHexStringLower(SHA256.HashData(onnx));
        var graph = OnnxGraphSummary.Read(onnx);
        var report = new SampleModelReport(spec.Id, folder, trainRows, testRows, metrics.AreaUnderRocCurve, metrics.Accuracy, metrics.LogLoss, maxDifference, sha, graph);

        File.WriteAllBytes(Path.Combine(folder, spec.Card.ModelFile), onnx);
        File.WriteAllText(Path.Combine(folder, "model-card.json"), JsonSerializer.Serialize(spec.Card, CardWriteOptions) + "\n");
        File.WriteAllText(Path.Combine(folder, spec.Card.BackgroundFile ?? "background.csv"), background);
        if (spec.Card.Reference is { } referenceCard)
        {
            File.WriteAllText(Path.Combine(folder, referenceCard.File), reference);
        }

        File.WriteAllText(Path.Combine(folder, "LICENSE-DATA.md"), spec.DataLicenceMarkdown.TrimEnd() + "\n");
        File.WriteAllText(Path.Combine(folder, "README.md"), Readme(spec, report));
        string copy = Path.Combine(folder, SampleModelSpec.TrainingDataFile);
        if (!string.Equals(Path.GetFullPath(copy), dataPath, StringComparison.Ordinal))
        {
            File.Copy(dataPath, copy, overwrite: true);
        }

        return report;
    }

    /// <summary>Featurization and trainer: one-hot encoding of the categorical inputs, concatenation in card order,
    /// LightGBM binary with fixed seed, one thread and deterministic mode.</summary>
    private LightGbmPipeline Pipeline(MLContext ml, IReadOnlyList<FeatureCard> features)
    {
        var categorical = features.Where(f => f.Type == "categorical").ToList();
        string[] parts = [.. features.Select(f => f.Type == "categorical" ? OneHotColumn(f.Name) : f.Name)];
        IEstimator<ITransformer> featurize = ml.Transforms.Concatenate("Features", parts);
        if (categorical.Count > 0)
        {
            featurize = ml.Transforms.Categorical.OneHotEncoding(
                [.. categorical.Select(f => new InputOutputColumnPair(OneHotColumn(f.Name), f.Name))],
                keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .Append(featurize);
        }

        return featurize
            .Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                NumberOfIterations = Settings.Trees,
                NumberOfLeaves = Settings.Leaves,
                MinimumExampleCountPerLeaf = Settings.MinimumRowsPerLeaf,
                LearningRate = Settings.LearningRate,
                UseCategoricalSplit = false,
                Seed = Settings.Seed,
                NumberOfThreads = 1,
                Deterministic = true,
                ForceRowWise = true,
                Silent = true,
                Verbose = false,
            }));
    }

    private static string OneHotColumn(string feature) => feature + "_onehot";

    private static TextLoader Loader(MLContext ml, TextLoader.Column[] columns) =>
        ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = columns,
            Separators = [','],
            HasHeader = true,
            AllowQuoting = false,
            TrimWhitespace = false,
        });

    private static void Validate(SampleModelSpec spec, FeatureTable table, string path)
    {
        foreach (var f in spec.Card.Features)
        {
            int c = table.IndexOf(f.Name);
            if (c < 0)
            {
                throw new InvalidDataException($"{path}: no column '{f.Name}' (a feature of the '{spec.Id}' model card)");
            }

            if (f.Type == "numeric")
            {
                for (int r = 0; r < table.RowCount; r++)
                {
                    if (table[r, c].IsText)
                    {
                        throw new InvalidDataException($"{path}: data row {r + 1}, column '{f.Name}' is '{table[r, c].Text}', expected a number");
                    }
                }
            }
        }

        int label = table.IndexOf(spec.LabelColumn);
        if (label < 0)
        {
            throw new InvalidDataException($"{path}: no label column '{spec.LabelColumn}'");
        }

        for (int r = 0; r < table.RowCount; r++)
        {
            string value = table[r, label].ToString();
            if (value != spec.PositiveLabelValue && value != spec.NegativeLabelValue)
            {
                throw new InvalidDataException(
                    $"{path}: data row {r + 1}, label '{spec.LabelColumn}' is '{value}', expected '{spec.PositiveLabelValue}' or '{spec.NegativeLabelValue}'");
            }
        }
    }

    /// <summary>Header plus <see cref="TrainingSettings.BackgroundRows"/> data lines drawn without replacement with
    /// the fixed seed (partial Fisher-Yates), kept in source order and copied byte for byte; and the reference set: header
    /// plus <see cref="TrainingSettings.ReferenceRows"/> of the other lines, drawn the same way with seed + 1.</summary>
    private (string Background, string Reference) SampleBackgroundAndReference(string text, int rowCount)
    {
        // The sample files have no quoted fields, so a record is a line; the parse above already checked the field counts.
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        if (lines.Length != rowCount + 1)
        {
            throw new InvalidDataException($"expected {rowCount + 1} non-empty lines, found {lines.Length}: the file has blank or multi-line records");
        }

        var background = Draw(Enumerable.Range(0, rowCount).ToArray(), Settings.BackgroundRows, Settings.Seed);
        var taken = background.ToHashSet();
        var reference = Draw([.. Enumerable.Range(0, rowCount).Where(r => !taken.Contains(r))], Settings.ReferenceRows, Settings.Seed + 1);
        return (Lines(lines, background), Lines(lines, reference));
    }

    private static int[] Draw(int[] order, int count, int seed)
    {
        int take = Math.Min(count, order.Length);
        var random = new Random(seed);
        for (int i = 0; i < take; i++)
        {
            int j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return [.. order.Take(take).Order()];
    }

    private static string Lines(string[] lines, IEnumerable<int> rows)
    {
        var sb = new StringBuilder(lines[0]).Append('\n');
        foreach (int r in rows)
        {
            sb.Append(lines[r + 1]).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Compares ML.NET's probabilities with ONNX Runtime's on the background rows.</summary>
    /// <returns>The largest absolute difference.</returns>
    /// <exception cref="InvalidDataException">The difference exceeds 1e-5 or the ONNX output of the card is missing.</exception>
    private static double CheckExport(MLContext ml, SampleModelSpec spec, LightGbmModel model, byte[] onnx, FeatureTable rows)
    {
        string path = Path.Combine(Path.GetTempPath(), $"explainability-{spec.Id}-{Guid.NewGuid():N}-background.csv");
        var columns = spec.Card.Features
            .Select(f => new TextLoader.Column(f.Name, f.Type == "categorical" ? DataKind.String : DataKind.Single, rows.IndexOf(f.Name)))
            .ToArray();
        float[] expected;
        try
        {
            var sb = new StringBuilder(string.Join(',', rows.Columns)).Append('\n');
            for (int r = 0; r < rows.RowCount; r++)
            {
                sb.AppendJoin(',', Enumerable.Range(0, rows.Columns.Count).Select(c => rows[r, c].ToString())).Append('\n');
            }

            File.WriteAllText(path, sb.ToString());
            expected = [.. model.Transform(Loader(ml, columns).Load(path)).GetColumn<float>("Probability")];
        }
        finally
        {
            File.Delete(path);
        }

        var scores = OnnxSampleScorer.Score(onnx, rows, spec.Card.Features);
        if (!scores.TryGetValue(spec.Card.Output.OnnxOutput, out var actual))
        {
            throw new InvalidDataException(
                $"the ONNX model of '{spec.Id}' has no float output '{spec.Card.Output.OnnxOutput}' (the card's onnxOutput); it has {string.Join(", ", scores.Keys)}");
        }

        double max = 0;
        for (int r = 0; r < expected.Length; r++)
        {
            max = Math.Max(max, Math.Abs(expected[r] - actual[r]));
        }

        return max > 1e-5
            ? throw new InvalidDataException($"ONNX Runtime and ML.NET disagree on '{spec.Id}': largest probability difference {max.ToString("G3", CultureInfo.InvariantCulture)}")
            : max;
    }

    private string Readme(SampleModelSpec spec, SampleModelReport report)
    {
        var s = Settings;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# `{spec.Id}` {spec.Card.Version}: sample model");
        sb.AppendLine();
        sb.AppendLine(spec.Summary);
        sb.AppendLine();
        sb.AppendLine("## Files");
        sb.AppendLine();
        sb.AppendLine("| file | what |");
        sb.AppendLine("| --- | --- |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| `model.onnx` | the model (sha256 `{report.ModelSha256}`) |");
        sb.AppendLine("| `model-card.json` | features (display names en/nl, groups, tags), output, background file |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| `background.csv` | {s.BackgroundRows} rows of the training data (seed {s.Seed}), raw columns as in the source, label included |");
        if (spec.Card.Reference is { } referenceRows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| `{referenceRows.File}` | {s.ReferenceRows} labelled rows of the training data outside the background (seed {s.Seed + 1}), label `{referenceRows.LabelColumn}` included: the reference cases the fraud-analyst view finds the most similar ones among. The shipped model was trained on them too |");
        }

        sb.AppendLine("| `training-data.csv` | the training data, unchanged copy of the source file |");
        sb.AppendLine("| `LICENSE-DATA.md` | provenance and licence of the data |");
        sb.AppendLine();
        sb.AppendLine("## How it was built");
        sb.AppendLine();
        sb.AppendLine("From the repository root, with only the .NET 10 SDK:");
        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine("dotnet run --project src/Explainability.Cli -- train-samples --data-dir models --out models");
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("Code: `src/Explainability.Cli/Training/`: `SampleModelTrainer`; the cards and data facts in `CreditRiskSample.cs` and `CardFraudSample.cs`. ML.NET pipeline:");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"1. label: `{spec.LabelColumn} == \"{spec.PositiveLabelValue}\"` (not part of the model);");
        sb.AppendLine(spec.Card.Features.Any(f => f.Type == "categorical")
            ? "2. `OneHotEncoding` of each categorical input (categories ordered by value; an unseen value encodes as all zeros), not LightGBM's categorical splits;"
            : "2. no categorical inputs, so no encoding;");
        sb.AppendLine("3. `Concatenate` into `Features` in the card's feature order;");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"4. `LightGbm` binary: {s.Trees} trees, at most {s.Leaves} leaves, at least {s.MinimumRowsPerLeaf} rows per leaf, learning rate {s.LearningRate}, seed {s.Seed}, 1 thread, deterministic, row-wise histograms; ML.NET's Platt calibrator turns the score into `Probability`;");
        sb.AppendLine("5. `ConvertToOnnx` (Microsoft.ML.OnnxConverter 0.23.1) with the outputs `PredictedLabel`, `Score`, `Probability`, from a view without the label column.");
        sb.AppendLine();
        sb.AppendLine("## Metrics");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Held-out split (ML.NET `TrainTestSplit`, test fraction {s.TestFraction}, seed {s.Seed}): trained on {report.TrainRows} rows, evaluated on {report.TestRows}.");
        sb.AppendLine();
        sb.AppendLine("| metric | held-out value |");
        sb.AppendLine("| --- | --- |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| ROC AUC | {report.HeldOutAuc:F4} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| accuracy at 0.5 | {report.HeldOutAccuracy:F4} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| log-loss | {report.HeldOutLogLoss:F4} |");
        sb.AppendLine();
        sb.AppendLine("The shipped model is then trained with the same settings on all rows; its metrics on the training rows are not reported.");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"ONNX Runtime and ML.NET agree on the probability of every background row (largest difference {report.MaxOnnxDifference.ToString("G3", CultureInfo.InvariantCulture)}).");
        sb.AppendLine();
        sb.AppendLine("## Reproducibility");
        sb.AppendLine();
        sb.AppendLine("Re-running the command writes the same `model.onnx` byte for byte (checked: two runs in separate processes on Linux x64,");
        sb.AppendLine(".NET 10, ML.NET 5.0.1, LightGBM 4.6.0 gave the same sha256). Other platforms may differ in the last float bits, so");
        sb.AppendLine("the test `Shipped_model_gives_the_same_scores_and_probabilities_as_a_fresh_retraining_on_every_background_row`");
        sb.AppendLine("(tests/Explainability.Cli.Tests) pins predictions (ONNX Runtime, `Score.output` and `Probability.output`, to 1e-6) rather than bytes.");
        sb.AppendLine();
        sb.AppendLine("## Reading the ONNX graph");
        sb.AppendLine();
        sb.AppendLine("- Inputs: one per card feature, in card order, `[N, 1]`; `float` for numeric, `string` for categorical features. No label input.");
        if (spec.Card.Features.Any(f => f.Type == "categorical"))
        {
            sb.AppendLine("- Categorical feature: `LabelEncoder` (string -> int64; keys sorted ordinally, values 1..k; an unknown string gives");
            sb.AppendLine("  `default_int64` 0) -> `Cast` to uint32 (to=12, ML.NET's key type) -> `Cast` to int64 (to=7) -> `OneHotEncoder`");
            sb.AppendLine("  (`cats_int64s` 1..k, `zeros=1`, so 0 becomes all zeros) giving `[N, 1, k]` (ML.NET declares `[N, k]`; ONNX Runtime");
            sb.AppendLine("  warns about the mismatch and merges leniently).");
            sb.AppendLine("- LightGBM splits on a one-hot column as `BRANCH_LEQ` with threshold 1E-35: true branch = category absent.");
        }

        sb.AppendLine("- `FeatureVectorizer` concatenates the inputs in card order (`inputdimensions`: 1 per numeric, k per categorical),");
        sb.AppendLine("  then `Cast` to float gives `Features`; `nodes_featureids` of the tree ensemble index this vector.");
        sb.AppendLine("- `TreeEnsembleRegressor`: SUM, `base_values` 0, `post_transform` NONE; its output `Score` is the margin. LightGBM's initial");
        sb.AppendLine("  score is folded into the leaves of the first tree. `nodes_missing_value_tracks_true` is all 0.");
        sb.AppendLine("- Probability: `Sigmoid(Score * Slope + Offset)` with initializers `Slope` 0.5 and `Offset` 0: ML.NET's Platt calibrator");
        sb.AppendLine("  for LightGBM uses LightGBM's sigmoid parameter (0.5), so the log-odds are `0.5 * Score`, not `Score`.");
        sb.AppendLine("- `PredictedLabel`: `Binarizer` on `Score` (threshold 0, i.e. probability above 0.5) then `Cast` to bool.");
        sb.AppendLine("- Outputs (`Identity` copies): `PredictedLabel.output` bool, `Score.output` float, `Probability.output` float, each `[N, 1]`.");
        sb.AppendLine();
        sb.AppendLine("## ONNX graph");
        sb.AppendLine();
        sb.AppendLine("As exported by ML.NET, dumped by `OnnxGraphSummary` (attribute lists show their length and first values).");
        sb.AppendLine();
        sb.Append(report.Graph.ToMarkdown());
        return sb.ToString();
    }
}
