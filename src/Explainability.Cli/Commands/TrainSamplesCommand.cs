using System.CommandLine;
using System.Globalization;
using Explainability.Cli.Training;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>train-samples [--data-dir models] [--out models]</c>: retrains the shipped sample models
/// (<c>credit-risk</c>, <c>card-fraud</c>) from <c>&lt;data-dir&gt;/&lt;id&gt;/training-data.csv</c> and writes
/// <c>&lt;out&gt;/&lt;id&gt;/</c> (model, card, background, licence note, README).
/// </summary>
internal sealed class TrainSamplesCommand(TextWriter output) : ICliCommand
{
    public Command Build()
    {
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Folder holding <id>/training-data.csv for each sample model",
            DefaultValueFactory = _ => "models",
        };
        var outDir = new Option<string>("--out")
        {
            Description = "Folder to write <id>/ model folders into",
            DefaultValueFactory = _ => "models",
        };
        var command = new Command("train-samples", "Retrain the shipped sample models (credit-risk, card-fraud) and export them to ONNX")
        {
            dataDir,
            outDir,
        };
        command.SetAction(parse => Run(parse.GetValue(dataDir)!, parse.GetValue(outDir)!));
        return command;
    }

    private int Run(string dataDir, string outDir)
    {
        var trainer = new SampleModelTrainer(new TrainingSettings());
        foreach (var spec in SampleModelTrainer.Samples)
        {
            var r = trainer.Train(spec, dataDir, outDir);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Id}: held-out AUC {r.HeldOutAuc:F4} ({r.TestRows} rows), ONNX vs ML.NET max |diff| {r.MaxOnnxDifference:G3}, model.onnx sha256 {r.ModelSha256} -> {r.OutputFolder}"));
        }

        return 0;
    }
}
