namespace Explainability.Core.Explanations;

/// <summary>The space an explanation's numbers live in.</summary>
public enum OutputSpace
{
    /// <summary>The raw score before the model's link (log-odds for logistic classifiers). Exact TreeSHAP is additive here.</summary>
    Margin,

    /// <summary>After the link (probability for classifiers, the response for log-link regressors).</summary>
    Probability,
}
