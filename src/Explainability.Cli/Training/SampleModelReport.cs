namespace Explainability.Cli.Training;

/// <summary>What training one sample model produced: held-out metrics, the export check, the graph.</summary>
/// <param name="Id">Model id.</param>
/// <param name="OutputFolder">Folder the model was written to.</param>
/// <param name="TrainRows">Rows in the training part of the held-out split.</param>
/// <param name="TestRows">Rows in the held-out part.</param>
/// <param name="HeldOutAuc">ROC AUC of the model trained on the training part, on the held-out part.</param>
/// <param name="HeldOutAccuracy">Accuracy at threshold 0.5 on the held-out part.</param>
/// <param name="HeldOutLogLoss">Log-loss on the held-out part.</param>
/// <param name="MaxOnnxDifference">Largest |ML.NET - ONNX Runtime| probability over the background rows.</param>
/// <param name="ModelSha256">sha256 of <c>model.onnx</c>, lower-case hex.</param>
/// <param name="Graph">The exported ONNX graph.</param>
internal sealed record SampleModelReport(
    string Id,
    string OutputFolder,
    int TrainRows,
    int TestRows,
    double HeldOutAuc,
    double HeldOutAccuracy,
    double HeldOutLogLoss,
    double MaxOnnxDifference,
    string ModelSha256,
    OnnxGraphSummary Graph);
