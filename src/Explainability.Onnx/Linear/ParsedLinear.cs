using Explainability.Core.Explanations;

namespace Explainability.Onnx.Linear;

/// <summary>What <see cref="LinearModelReader"/> reads from one LinearRegressor / LinearClassifier node.</summary>
/// <param name="Weights">Coefficients of each explained output, <c>[outputs, columns]</c> row-major, float32 values widened exactly.</param>
/// <param name="Intercepts">Intercept of each explained output, <c>[outputs]</c>.</param>
/// <param name="PostTransform">The node's <c>post_transform</c> as a link.</param>
/// <param name="OutputLabels">Label of each explained output: class labels, or target indices as text.</param>
/// <param name="ScoreOutput">Name of the node output that carries the scores.</param>
/// <param name="ScoreColumns">Column of the score tensor that holds each explained output, <c>[outputs]</c>.</param>
/// <param name="ScoreWidth">Number of columns of the score tensor.</param>
/// <param name="ScoresSumToOne">Whether the served score row sums to 1 for every input (softmax, a complementary binary
/// pair, or the one-score binary case), so that an L1 Normalizer after the node changes nothing.</param>
internal sealed record ParsedLinear(
    double[] Weights,
    double[] Intercepts,
    LinkFunction PostTransform,
    IReadOnlyList<string> OutputLabels,
    string ScoreOutput,
    int[] ScoreColumns,
    int ScoreWidth,
    bool ScoresSumToOne);
