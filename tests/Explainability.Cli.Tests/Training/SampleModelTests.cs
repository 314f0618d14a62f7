using Explainability.Cli.Training;
using Explainability.Core.Data;
using Explainability.Views.ModelCards;
using Microsoft.ML.OnnxRuntime;

namespace Explainability.Cli.Tests.Training;

public sealed class SampleModelTests
{
    private static string ModelsFolder => Path.Combine(RepoRoot.Path, "models");

    public static TheoryData<string> SampleIds => ["credit-risk", "card-fraud"];

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Shipped_model_gives_the_same_scores_and_probabilities_as_a_fresh_retraining_on_every_background_row(string id)
    {
        var spec = SampleModelTrainer.Samples.Single(s => s.Id == id);
        using var temp = new TempFolder();

        var report = new SampleModelTrainer(new TrainingSettings()).Train(spec, ModelsFolder, temp.Path);

        string shipped = Path.Combine(ModelsFolder, id);
        string fresh = Path.Combine(temp.Path, id);
        var rows = ReadBackground(Path.Combine(shipped, "background.csv"), spec);
        var shippedScores = OnnxSampleScorer.Score(File.ReadAllBytes(Path.Combine(shipped, "model.onnx")), rows, spec.Card.Features);
        var freshScores = OnnxSampleScorer.Score(File.ReadAllBytes(Path.Combine(fresh, "model.onnx")), rows, spec.Card.Features);

        Assert.Equal(["Probability.output", "Score.output"], shippedScores.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(shippedScores.Keys.Order(StringComparer.Ordinal), freshScores.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, expected) in shippedScores)
        {
            var actual = freshScores[name];
            Assert.Equal(rows.RowCount, expected.Length);
            Assert.Equal(expected.Length, actual.Length);
            for (int r = 0; r < expected.Length; r++)
            {
                Assert.True(Math.Abs(expected[r] - actual[r]) <= 1e-6, $"{id} {name} row {r}: shipped {expected[r]}, retrained {actual[r]}");
            }
        }

        // The probabilities are a real spread, not a constant: a broken export would make the comparison above trivial.
        var probabilities = shippedScores["Probability.output"];
        Assert.True(probabilities.Min() < 0.2 && probabilities.Max() > 0.8, $"{id}: probabilities span only {probabilities.Min()}..{probabilities.Max()}");
        Assert.True(report.MaxOnnxDifference <= 1e-5);
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Shipped_card_background_and_licence_are_what_train_samples_writes(string id)
    {
        var spec = SampleModelTrainer.Samples.Single(s => s.Id == id);
        using var temp = new TempFolder();

        new SampleModelTrainer(new TrainingSettings()).Train(spec, ModelsFolder, temp.Path);

        foreach (string file in new[] { "model-card.json", "background.csv", "reference.csv", "LICENSE-DATA.md", "training-data.csv" })
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(ModelsFolder, id, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(temp.Path, id, file))),
                $"models/{id}/{file} differs from what train-samples writes: edit the C# source (src/Explainability.Cli/Training) and re-run train-samples");
        }
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Model_card_lists_exactly_the_ONNX_inputs_in_order_with_matching_types(string id)
    {
        var card = ModelCardReader.Read(Path.Combine(ModelsFolder, id, "model-card.json"));
        using var session = new InferenceSession(Path.Combine(ModelsFolder, id, card.ModelFile));

        // ML.NET exports only the columns of the view it is given; train-samples gives one without the label.
        var inputs = session.InputNames.ToList();
        Assert.Equal(card.Features.Select(f => f.Name), inputs);
        foreach (var f in card.Features)
        {
            var meta = session.InputMetadata[f.Name];
            Assert.Equal(f.Type == "categorical" ? typeof(string) : typeof(float), meta.ElementType);
            Assert.Equal([-1, 1], meta.Dimensions);
        }

        Assert.Contains(card.Output.OnnxOutput, session.OutputNames);
        Assert.Equal(id, card.Id);
        Assert.Equal("1.0.0", card.Version);
        Assert.True(File.Exists(Path.Combine(ModelsFolder, id, card.BackgroundFile!)));
    }

    [Fact]
    public void Credit_risk_card_tags_exactly_age_personal_status_and_foreign_worker_as_protected()
    {
        var card = ModelCardReader.Read(Path.Combine(ModelsFolder, "credit-risk", "model-card.json"));

        Assert.Equal(["age", "foreign_worker", "personal_status"], card.Features.Where(f => f["protected"]).Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(card.Features.Where(f => f["actionable"]), f => Assert.NotNull(f.ActionableDirection));
        Assert.DoesNotContain(card.Features, f => f["protected"] && f["actionable"]);
        Assert.Equal("bad", card.Output.PositiveClass);
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Categorical_card_labels_cover_every_value_in_the_training_data(string id)
    {
        var spec = SampleModelTrainer.Samples.Single(s => s.Id == id);
        var card = ModelCardReader.Read(Path.Combine(ModelsFolder, id, "model-card.json"));
        var data = ReadBackground(Path.Combine(ModelsFolder, id, "training-data.csv"), spec);

        foreach (var f in card.Features.Where(f => f.Type == "categorical"))
        {
            int c = data.IndexOf(f.Name);
            var values = Enumerable.Range(0, data.RowCount).Select(r => data[r, c].ToString()).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(values.Order(StringComparer.Ordinal), f.Categories!.Keys.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Background_has_the_source_columns_and_200_distinct_source_rows()
    {
        foreach (var id in new[] { "credit-risk", "card-fraud" })
        {
            var source = File.ReadAllLines(Path.Combine(ModelsFolder, id, "training-data.csv"));
            var background = File.ReadAllLines(Path.Combine(ModelsFolder, id, "background.csv"));

            Assert.Equal(source[0], background[0]);
            Assert.Equal(200, background.Length - 1);
            Assert.Equal(200, background.Skip(1).Distinct(StringComparer.Ordinal).Count());
            Assert.Empty(background.Skip(1).Except(source.Skip(1), StringComparer.Ordinal));
        }
    }

    private static FeatureTable ReadBackground(string path, SampleModelSpec spec)
    {
        var text = spec.Card.Features.Where(f => f.Type == "categorical").Select(f => f.Name).Append(spec.LabelColumn).ToHashSet(StringComparer.Ordinal);
        return CsvTableReader.Parse(File.ReadAllText(path), path, text);
    }
}
