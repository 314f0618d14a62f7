namespace Explainability.Core.Explanations;

/// <summary>The single place that turns margins into the model's output space.</summary>
public static class Link
{
    /// <summary>Applies <paramref name="link"/> to <paramref name="margin"/> <c>[outputs]</c>, writing <paramref name="output"/> <c>[outputs]</c>.</summary>
    public static void Apply(LinkFunction link, ReadOnlySpan<double> margin, Span<double> output)
    {
        switch (link)
        {
            case LinkFunction.Identity:
                margin.CopyTo(output);
                break;
            case LinkFunction.Logistic:
                for (int i = 0; i < margin.Length; i++)
                {
                    output[i] = Logistic(margin[i]);
                }

                break;
            case LinkFunction.Exp:
                for (int i = 0; i < margin.Length; i++)
                {
                    output[i] = Math.Exp(margin[i]);
                }

                break;
            case LinkFunction.Probit:
                for (int i = 0; i < margin.Length; i++)
                {
                    output[i] = Probit(margin[i]);
                }

                break;
            case LinkFunction.Softmax:
            case LinkFunction.SoftmaxZero:
                double max = double.NegativeInfinity;
                for (int i = 0; i < margin.Length; i++)
                {
                    if (link == LinkFunction.Softmax || margin[i] != 0)
                    {
                        max = Math.Max(max, margin[i]);
                    }
                }

                double sum = 0;
                for (int i = 0; i < margin.Length; i++)
                {
                    output[i] = link == LinkFunction.SoftmaxZero && margin[i] == 0 ? 0 : Math.Exp(margin[i] - max);
                    sum += output[i];
                }

                for (int i = 0; i < margin.Length; i++)
                {
                    output[i] = sum > 0 ? output[i] / sum : 0;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(link), link, "unknown link function");
        }
    }

    /// <summary>
    /// ONNX PROBIT as ONNX Runtime computes it: the standard normal quantile of the score,
    /// <c>sqrt(2) * erfinv(2s - 1)</c>. Negative infinity at 0 and positive infinity at 1 (as the runtime serves them),
    /// NaN for a score outside [0, 1] or NaN.
    /// </summary>
    /// <remarks>ONNX Runtime evaluates erfinv with a float32 closed-form approximation (Winitzki, a = 0.147), so its
    /// output differs from this exact quantile by up to a few 1e-3 relative.</remarks>
    public static double Probit(double s) => s switch
    {
        0 => double.NegativeInfinity,
        1 => double.PositiveInfinity,
        > 0 and < 1 => MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, s),
        _ => double.NaN,
    };

    /// <summary>The logistic function, computed without overflow for large |m|.</summary>
    public static double Logistic(double m) => m >= 0 ? 1 / (1 + Math.Exp(-m)) : Math.Exp(m) / (1 + Math.Exp(m));
}
