namespace Explainability.Core.Counterfactuals;

/// <summary>What a <see cref="CounterfactualSearch"/> found.</summary>
/// <param name="Found">The smallest changes that flip the decision, cheapest first: every single-feature flip (the cheapest
/// value per feature), then for each pair of features of which neither flips alone, the cheapest flipping pair of values.
/// At most <see cref="CounterfactualSearchOptions.MaxResults"/>.</param>
/// <param name="Evaluations">Rows sent to the model.</param>
/// <param name="BudgetExhausted">Whether the search stopped at <see cref="CounterfactualSearchOptions.MaxEvaluations"/>
/// before it had tried every single change and every pair.</param>
/// <param name="OriginalScore">The model output of the unchanged row.</param>
public sealed record CounterfactualResult(IReadOnlyList<Counterfactual> Found, long Evaluations, bool BudgetExhausted, double OriginalScore);
