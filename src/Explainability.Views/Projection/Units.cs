using Explainability.Core.Explanations;

namespace Explainability.Views.Projection;

/// <summary>Names of the units values are shown in, so every number carries its unit (casebook C30).</summary>
public static class Units
{
    /// <summary>Percentage points: the unit of probability-space attributions in views.</summary>
    public const string PercentagePoints = "percentage points";

    /// <summary>The unit of margin-space values under <paramref name="link"/>.</summary>
    public static string Margin(LinkFunction link) => link switch
    {
        LinkFunction.Logistic => "log-odds",
        LinkFunction.Softmax or LinkFunction.SoftmaxZero => "logits (softmax margin)",
        LinkFunction.Probit => "score before the probit quantile",
        LinkFunction.Exp => "log of the response",
        _ => "output units",
    };

    /// <summary>Whether <paramref name="link"/> produces probabilities (shown in percent and percentage points).</summary>
    /// <remarks>Not <see cref="LinkFunction.Probit"/>: ONNX PROBIT serves the normal quantile of the score, not a probability.</remarks>
    public static bool IsProbability(LinkFunction link) =>
        link is LinkFunction.Logistic or LinkFunction.Softmax or LinkFunction.SoftmaxZero;

    /// <summary>The unit of attributions after the link: percentage points for probabilities, response units otherwise.</summary>
    public static string Response(LinkFunction link) => IsProbability(link) ? PercentagePoints : "response units";

    /// <summary>The unit of scores after the link: <c>%</c> for probabilities, response units otherwise.</summary>
    public static string ResponseScore(LinkFunction link) => IsProbability(link) ? "%" : "response units";

    /// <summary>Multiplier from the link's output to the shown unit: 100 for probabilities (percent), 1 otherwise.</summary>
    public static double ResponseMultiplier(LinkFunction link) => IsProbability(link) ? 100 : 1;

    /// <summary>The unit of an explanation computed directly in probability space (values 0..1).</summary>
    public static string ExplanationProbability(LinkFunction link) => IsProbability(link) ? "probability (0 to 1)" : "response units";
}
