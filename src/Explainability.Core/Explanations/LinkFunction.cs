namespace Explainability.Core.Explanations;

/// <summary>The function that turns a model's margins into its served output (ONNX <c>post_transform</c>, or a Sigmoid/Softmax/Exp node after the ensemble).</summary>
public enum LinkFunction
{
    /// <summary>Output equals margin.</summary>
    Identity,

    /// <summary><c>1 / (1 + exp(-m))</c> per output.</summary>
    Logistic,

    /// <summary>Softmax over all outputs.</summary>
    Softmax,

    /// <summary>Softmax over all outputs where zero margins stay zero (ONNX SOFTMAX_ZERO).</summary>
    SoftmaxZero,

    /// <summary>
    /// Standard normal quantile per output, <c>sqrt(2) * erfinv(2m - 1)</c>: ONNX PROBIT as ONNX Runtime applies it (the
    /// runtime is the truth explanations are checked against). The margin is a score in [0, 1] and the served value a
    /// quantile, not a probability; see <see cref="Link.Probit"/>.
    /// </summary>
    Probit,

    /// <summary><c>exp(m)</c> per output (log-link regressors: Poisson, Gamma, Tweedie).</summary>
    Exp,
}
