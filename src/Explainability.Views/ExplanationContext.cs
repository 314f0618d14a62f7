using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Views.ModelCards;

namespace Explainability.Views;

/// <summary>
/// Everything a view of ONE row may be projected from: the full-fidelity explanation, which row and output it
/// explains, the model card, the raw inputs and the background data. Immutable; build with <see cref="Create"/>,
/// which checks that the parts fit together.
/// </summary>
public sealed record ExplanationContext
{
    private ExplanationContext()
    {
    }

    /// <summary>The full explanation (any number of rows), in its own output space, with its link.</summary>
    public required Explanation Explanation { get; init; }

    /// <summary>The explained row, an index into <see cref="Explanation"/> rows and <see cref="Inputs"/> rows.</summary>
    public required int Row { get; init; }

    /// <summary>The explained output (the positive class of a classifier), an index into the explanation's outputs.</summary>
    public required int Output { get; init; }

    /// <summary>The model card; its features are the explanation's features, in the same order.</summary>
    public required ModelCard Card { get; init; }

    /// <summary>Raw input values, <c>[rows, columns]</c>; row <see cref="InputRow"/> is the case.</summary>
    public required FeatureTable Inputs { get; init; }

    /// <summary>The case's row in <see cref="Inputs"/>: <see cref="Row"/> when the table holds the explained rows, 0 for a one-row table.</summary>
    public required int InputRow { get; init; }

    /// <summary>Raw background rows that define "typical", for percentiles; null when the model has none.</summary>
    public FeatureTable? Background { get; init; }

    /// <summary>SHAP values over the model's reference data for the portfolio picture
    /// (<see cref="Policies.ContextBlocks.GlobalImportance"/>), or null; set with <c>with</c> after <see cref="Create"/>.</summary>
    public ReferenceAttributions? Reference { get; init; }

    /// <summary>Verified counterfactuals of the case (set with <c>with</c> by whoever can run the model), or null when no
    /// search ran; shown only under <see cref="Policies.ContextBlocks.Counterfactuals"/>.</summary>
    public Context.CounterfactualFindings? Counterfactuals { get; init; }

    /// <summary>The nearest reference cases in SHAP space, nearest first (set with <c>with</c>), or null when not computed;
    /// shown only under <see cref="Policies.ContextBlocks.SimilarCases"/>.</summary>
    public IReadOnlyList<Context.SimilarCaseFinding>? SimilarCases { get; init; }

    /// <summary>Why no similar cases could be found for this explanation when a policy asks for them (no reference set,
    /// or a method whose reference explanation is not computed), or null.</summary>
    public string? SimilarCasesUnavailable { get; init; }

    /// <summary>Builds a context and checks that explanation, card and tables agree.</summary>
    /// <param name="explanation">The full explanation.</param>
    /// <param name="row">The explained row of <paramref name="explanation"/>.</param>
    /// <param name="output">The explained output; see <see cref="PositiveOutput"/>.</param>
    /// <param name="card">The model card.</param>
    /// <param name="inputs">Raw input rows.</param>
    /// <param name="background">Raw background rows, or null.</param>
    /// <param name="inputRow">The case's row in <paramref name="inputs"/>; defaults to <paramref name="row"/>.</param>
    /// <exception cref="ArgumentException">The row or output is out of range, the explanation's features differ from the
    /// card's (names and order), or a card feature is missing from <paramref name="inputs"/> or <paramref name="background"/>.</exception>
    public static ExplanationContext Create(
        Explanation explanation, int row, int output, ModelCard card, FeatureTable inputs, FeatureTable? background, int? inputRow = null)
    {
        if (row < 0 || row >= explanation.RowCount)
        {
            throw new ArgumentException($"row {row} is outside the explanation's {explanation.RowCount} rows", nameof(row));
        }

        if (output < 0 || output >= explanation.OutputCount)
        {
            throw new ArgumentException($"output {output} is outside the explanation's {explanation.OutputCount} outputs", nameof(output));
        }

        if (explanation.FeatureCount != card.Features.Count)
        {
            throw new ArgumentException(
                $"the explanation has {explanation.FeatureCount} features but model card '{card.Id}' lists {card.Features.Count}", nameof(card));
        }

        for (int f = 0; f < card.Features.Count; f++)
        {
            if (!string.Equals(explanation.FeatureNames[f], card.Features[f].Name, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"feature {f} is '{explanation.FeatureNames[f]}' in the explanation but '{card.Features[f].Name}' in model card '{card.Id}'", nameof(card));
            }

            if (inputs.IndexOf(card.Features[f].Name) < 0)
            {
                throw new ArgumentException($"the input table has no column '{card.Features[f].Name}'", nameof(inputs));
            }

            if (background is not null && background.IndexOf(card.Features[f].Name) < 0)
            {
                throw new ArgumentException($"the background table has no column '{card.Features[f].Name}'", nameof(background));
            }
        }

        int caseRow = inputRow ?? row;
        if (caseRow < 0 || caseRow >= inputs.RowCount)
        {
            throw new ArgumentException($"input row {caseRow} is outside the input table's {inputs.RowCount} rows", nameof(inputRow));
        }

        return new ExplanationContext
        {
            Explanation = explanation,
            Row = row,
            Output = output,
            Card = card,
            Inputs = inputs,
            InputRow = caseRow,
            Background = background,
        };
    }

    /// <summary>The index of the card's positive class among the explanation's outputs; 0 for a single-output explanation
    /// without a positive class.</summary>
    /// <exception cref="ArgumentException">The positive class is not among the outputs, or there are several outputs and no positive class.</exception>
    public static int PositiveOutput(Explanation explanation, ModelCard card)
    {
        string? positive = card.Output.PositiveClass;
        if (positive is not null)
        {
            for (int o = 0; o < explanation.OutputCount; o++)
            {
                if (string.Equals(explanation.OutputNames[o], positive, StringComparison.Ordinal))
                {
                    return o;
                }
            }

            if (explanation.OutputCount != 1)
            {
                throw new ArgumentException(
                    $"positive class '{positive}' of model card '{card.Id}' is not among the outputs {string.Join(", ", explanation.OutputNames)}", nameof(card));
            }
        }
        else if (explanation.OutputCount != 1)
        {
            throw new ArgumentException($"model card '{card.Id}' names no positive class and the explanation has {explanation.OutputCount} outputs", nameof(card));
        }

        return 0;
    }

    /// <summary>The case's raw value of feature <paramref name="name"/>.</summary>
    public FeatureValue InputValue(string name) => Inputs[InputRow, Inputs.IndexOf(name)];
}
