using Explainability.Core.Explanations;
using Explainability.Core.Trees;

namespace Explainability.Onnx.Trees;

/// <summary>What <see cref="TreeEnsembleReader"/> reads from one ensemble node.</summary>
/// <param name="Ensemble">The trees in margin space (AVERAGE folded into the leaves), <c>[columns] -> [outputs]</c>.</param>
/// <param name="PostTransform">The node's <c>post_transform</c> as a link.</param>
/// <param name="OutputLabels">Label of each explained output: class labels, or target indices as text.</param>
/// <param name="ScoreOutput">Name of the node output that carries the scores.</param>
/// <param name="ScoreColumns">Column of the score tensor that holds each explained output, <c>[outputs]</c>.</param>
/// <param name="ScoreWidth">Number of columns of the score tensor.</param>
/// <param name="IsClassifier">Whether the node is a TreeEnsembleClassifier.</param>
/// <param name="BinarySingleScore">A binary classifier whose leaves carry one class's weights only: ONNX Runtime serves
/// <c>[1 - s, s]</c> (NONE) or <c>[sigmoid(-s), sigmoid(s)]</c> (LOGISTIC), so the positive class is the single explained output.</param>
internal sealed record ParsedEnsemble(
    TreeEnsemble Ensemble,
    LinkFunction PostTransform,
    IReadOnlyList<string> OutputLabels,
    string ScoreOutput,
    int[] ScoreColumns,
    int ScoreWidth,
    bool IsClassifier,
    bool BinarySingleScore);
