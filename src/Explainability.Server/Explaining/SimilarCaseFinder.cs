using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Core.Neighbours;
using Explainability.Core.Shap;
using Explainability.Server.Models;
using Explainability.Views.Context;

namespace Explainability.Server.Explaining;

/// <summary>
/// The reference cases most similar to an explained case: nearest neighbours by Euclidean distance between SHAP vectors
/// of the explained output (every feature of the card, in the explanation's space) among the model card's labelled
/// reference set. The reference rows are explained once per loaded model and method (<see cref="LoadedModel.ReferenceExplanation"/>)
/// with the same method and output space as the case, so that both vectors are comparable.
/// </summary>
/// <remarks>Similarity in SHAP space ("supervised clustering"): Lundberg et al., "From local explanations to global
/// understanding with explainable AI for trees", Nature MI 2020, section on explanation embeddings; cases are near when the
/// model scores them for the same reasons, not when their raw values look alike.</remarks>
public static class SimilarCaseFinder
{
    /// <summary>How many similar cases a view lists.</summary>
    public const int DefaultCount = 3;

    /// <summary>Methods whose reference explanation is exact and cheap enough to compute once per model: the sampled and
    /// exponential ones are left out (their reference set would cost more than the request).</summary>
    private static readonly string[] ExactMethods = [MethodNames.TreePathDependent, MethodNames.Interventional, MethodNames.Linear];

    /// <summary>Why <see cref="Find"/> finds no similar cases for <paramref name="outcome"/>, in an analyst's words; null when it can.</summary>
    public static string? UnavailableReason(ExplainOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Model.Card.Reference is null)
        {
            return "the model card names no labelled reference set";
        }

        return ExactMethods.Contains(outcome.Explanation.Method, StringComparer.Ordinal)
            ? null
            : $"the reference set is compared in the SHAP values of {string.Join(", ", ExactMethods)} only; this explanation is {outcome.Explanation.Method}";
    }

    /// <summary>The <paramref name="count"/> reference cases nearest to row <paramref name="row"/> of <paramref name="outcome"/>,
    /// nearest first; null when the card names no reference set, or the explanation's method is not one whose reference
    /// explanation is cached (TreeSHAP and linear).</summary>
    /// <exception cref="FileNotFoundException">The card names a reference file that is missing.</exception>
    public static IReadOnlyList<SimilarCaseFinding>? Find(ExplainOutcome outcome, int row, int output, int count = DefaultCount)
    {
        var model = outcome.Model;
        var e = outcome.Explanation;
        if (model.Card.Reference is not { } card || model.Reference is not { } reference || !ExactMethods.Contains(e.Method, StringComparer.Ordinal))
        {
            return null;
        }

        string space = e.OutputSpace == OutputSpace.Margin ? "margin" : "probability";
        var referenceExplanation = model.ReferenceExplanation($"{e.Method}|{space}", () => ExplanationService.Explain(
            model, reference, new ExplainOptions(e.Method, space, AllowExtraColumns: true)).Explanation);
        int rows = referenceExplanation.RowCount, m = e.FeatureCount;
        int referenceOutput = IndexOf(referenceExplanation.OutputNames, e.OutputNames[output]);
        var vectors = new double[rows * m];
        for (int r = 0; r < rows; r++)
        {
            for (int f = 0; f < m; f++)
            {
                vectors[(r * m) + f] = referenceExplanation.Phi(r, f, referenceOutput);
            }
        }

        var query = new double[m];
        for (int f = 0; f < m; f++)
        {
            query[f] = e.Phi(row, f, output);
        }

        int label = reference.IndexOf(card.LabelColumn);
        return
        [
            .. NearestNeighbours.Find(query, vectors, count).Select(n =>
            {
                string raw = label < 0 ? "" : reference[n.Row, label].ToString();
                return new SimilarCaseFinding(n.Row, card.Labels.TryGetValue(raw, out var cls) ? cls : raw, n.Distance);
            }),
        ];
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the reference explanation has no output '{name}'"));
    }
}
