namespace Explainability.Onnx;

/// <summary>
/// How far the parsed model's forward pass, <c>Link(Ensemble(columns))</c> or <c>Link(W · columns + b)</c>, is from ONNX Runtime's served output
/// on some rows (casebook C05, C27): a disagreement beyond the tolerance is a flag that the explanation would explain a
/// different number than the one served, never something to absorb quietly.
/// </summary>
/// <param name="Rows">Rows compared.</param>
/// <param name="MaxAbsoluteError">Largest <c>|ours - runtime|</c> over rows and outputs, in the served space.</param>
/// <param name="WorstRow">Row of that largest error, or -1 when no rows were compared.</param>
/// <param name="WorstOutput">Output name of that largest error, or null.</param>
/// <param name="Ours">The parsed model's value there.</param>
/// <param name="Runtime">ONNX Runtime's value there.</param>
/// <param name="Agrees">Whether every value is within <c>relative * max(|ours|, |runtime|) + absolute</c>.</param>
public sealed record RuntimeAgreement(int Rows, double MaxAbsoluteError, int WorstRow, string? WorstOutput, double Ours, double Runtime, bool Agrees);
