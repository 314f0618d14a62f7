using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Server.Explaining;
using Explainability.Views.ModelCards;

namespace Explainability.Cli.Output;

/// <summary>
/// An explanation arranged for the <c>explain</c> command's output: the feature columns in the order of the input CSV
/// header, and each output named by its class label.
/// </summary>
/// <remarks>
/// <para>Feature columns: for a model with a card, the card's features in the order they appear in the input header
/// (other input columns, such as a label, are ignored); for a bare ONNX file, every input column. A column the
/// explained output does not depend on has SHAP value 0, which is exact. The columns of a per-row offset input (casebook
/// C11) are never feature columns: the offset is reported in its own column, not as a SHAP value.</para>
/// <para>Output labels: the explanation's output names come from the ONNX graph (class labels of a
/// TreeEnsembleClassifier, else target indices). A model card's class names replace target indices: a single score
/// column of a binary classifier is the card's positive class, and <c>k</c> outputs over <c>k</c> card classes take
/// the class at their index. A bare ONNX file keeps the graph's names.</para>
/// </remarks>
internal sealed class ExplainReport
{
    private readonly int[] _explanationFeature;

    private ExplainReport(ExplainOutcome outcome, IReadOnlyList<string> features, int[] explanationFeature, IReadOnlyList<string> outputLabels)
    {
        Outcome = outcome;
        Features = features;
        _explanationFeature = explanationFeature;
        OutputLabels = outputLabels;
    }

    /// <summary>The explained outcome.</summary>
    public ExplainOutcome Outcome { get; }

    /// <summary>The explanation.</summary>
    public Explanation Explanation => Outcome.Explanation;

    /// <summary>Feature columns in input order, <c>[F']</c>.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Label of each output, <c>[O]</c>.</summary>
    public IReadOnlyList<string> OutputLabels { get; }

    /// <summary>Arranges <paramref name="outcome"/> for output.</summary>
    /// <param name="outcome">The explained rows.</param>
    /// <param name="inputs">The input rows as read; their column order is the output's.</param>
    /// <exception cref="InvalidOperationException">The explanation has a feature that is not an input column.</exception>
    public static ExplainReport Create(ExplainOutcome outcome, FeatureTable inputs)
    {
        var model = outcome.Model;
        var explanation = outcome.Explanation;
        var cardFeatures = model.Card.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var offsetColumns = model.Onnx.OffsetColumnNames.ToHashSet(StringComparer.Ordinal);
        // A model-agnostic explanation treats an offset input as one more player (casebook C11 (ii)): then it is a feature column.
        var explained = explanation.FeatureNames.ToHashSet(StringComparer.Ordinal);
        // Only players are reported: a column the explanation has no player for would read as a feature with SHAP value 0.
        var features = model.CardIsDerived
            ? inputs.Columns.Where(explained.Contains).ToList()
            : inputs.Columns.Where(c => explained.Contains(c) && (cardFeatures.Contains(c) || offsetColumns.Contains(c))).ToList();
        var index = features.Select(f => IndexOf(explanation.FeatureNames, f)).ToArray();
        var shown = index.Where(i => i >= 0).ToHashSet();
        for (int f = 0; f < explanation.FeatureCount; f++)
        {
            if (!shown.Contains(f))
            {
                throw new InvalidOperationException($"explained feature '{explanation.FeatureNames[f]}' is not a column of the input");
            }
        }

        return new ExplainReport(outcome, features, index, explanation.OutputNames);
    }

    /// <summary>SHAP value of feature column <paramref name="f"/> (in <see cref="Features"/> order) for output <paramref name="o"/> of row <paramref name="r"/>.</summary>
    public double Phi(int r, int f, int o) => _explanationFeature[f] < 0 ? 0.0 : Explanation.Phi(r, _explanationFeature[f], o);

    /// <summary>Standard error of <see cref="Phi"/>: the explanation's for a sampled method, 0 for an exact one or a feature
    /// the explanation does not have.</summary>
    public double StandardError(int r, int f, int o) =>
        _explanationFeature[f] < 0 || Explanation.StandardErrors is not { } se
            ? 0.0
            : se[(((r * Explanation.FeatureCount) + _explanationFeature[f]) * Explanation.OutputCount) + o];

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
