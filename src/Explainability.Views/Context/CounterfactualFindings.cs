namespace Explainability.Views.Context;

/// <summary>
/// What a counterfactual search over the case found, after every suggestion was re-scored and kept only when it flips the
/// decision. Produced where the model is (the server); part of <see cref="ExplanationContext"/>, never of a view as is.
/// </summary>
/// <param name="Suggestions">Verified suggestions, smallest first; each one or two changes. Empty when none was found.</param>
/// <param name="BudgetExhausted">Whether the search stopped at its evaluation budget before trying every allowed change.</param>
/// <param name="Evaluations">Rows the search sent to the model.</param>
/// <param name="Rejected">Suggestions the search found but re-scoring did not confirm (dropped, counted for governance).</param>
/// <param name="CandidateCount">Allowed changes the search could try (values of visible actionable features in their
/// allowed direction); 0 means there was nothing the person could change, rather than nothing that helps.</param>
public sealed record CounterfactualFindings(
    IReadOnlyList<IReadOnlyList<CounterfactualChange>> Suggestions, bool BudgetExhausted, long Evaluations, int Rejected, int CandidateCount = -1);
