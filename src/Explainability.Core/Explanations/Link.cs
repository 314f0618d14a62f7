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
                    output[i] = MathNet.Numerics.Distributions.Normal.CDF(0, 1, margin[i]);
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

    /// <summary>The logistic function, computed without overflow for large |m|.</summary>
    public static double Logistic(double m) => m >= 0 ? 1 / (1 + Math.Exp(-m)) : Math.Exp(m) / (1 + Math.Exp(m));
}
