using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Core.Trees;

namespace Explainability.Server.Explaining;

/// <summary>
/// Compares <c>Link(margin)</c> of an explanation with the output ONNX Runtime serves for the same rows, and refuses a
/// disagreement: an explanation must explain the number the model serves (casebook C05: a runtime that ignores a
/// post-transform).
/// </summary>
/// <remarks>
/// Tolerance per value, in the served space: <c>1e-4 * max(1, |runtime|) + slope * drift</c>, where
/// <c>drift = trees * 2^-23 * (|base| + sum over trees of |leaf value reached|)</c> bounds ONNX Runtime's float32 summation
/// of the trees in margin space (casebook C27), and <c>slope</c> bounds the link's derivative so the margin drift is carried
/// into the served space: identity 1, logistic 1/4, softmax 1/2 (|dp_i| &lt;= 2 p_i (1 - p_i) d), exp the larger of the two
/// values, probit <c>sqrt(2 pi) exp(q^2 / 2)</c> at the larger |quantile| q. The <c>1e-4</c> relative term covers float32
/// outputs and batched ONNX Runtime calls, which differ slightly from single-row ones; it is the batched tolerance of the
/// end-to-end tests over the shipped models and the test fixtures. A NaN on one side only is a disagreement.
/// </remarks>
public static class RuntimeCrossCheck
{
    /// <summary>Relative part of the tolerance, with a floor of 1 on the served magnitude.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>Checks every row and output, and returns the largest absolute difference (served space).</summary>
    /// <param name="ensemble">The ensemble explained, in margin space.</param>
    /// <param name="link">The link from margin to served output.</param>
    /// <param name="columns">The ensemble's input columns <c>[rows, columns]</c>, to find the leaves reached.</param>
    /// <param name="margins">Our margins <c>[rows, outputs]</c>.</param>
    /// <param name="served">ONNX Runtime's served output <c>[rows, outputs]</c>.</param>
    /// <param name="outputNames">Names of the outputs, <c>[outputs]</c>, for the message.</param>
    /// <exception cref="RuntimeDisagreementException">Some value is beyond its tolerance; the message names the worst one
    /// (largest difference over tolerance).</exception>
    public static double Check(TreeEnsemble ensemble, LinkFunction link, ReadOnlySpan<double> columns, ReadOnlySpan<double> margins,
        ReadOnlySpan<double> served, IReadOnlyList<string> outputNames)
    {
        int outputs = ensemble.OutputCount, m = ensemble.FeatureCount;
        int rows = outputs == 0 ? 0 : margins.Length / outputs;
        var linked = new double[outputs];
        double maxError = 0, worstRatio = 1;
        string? refusal = null;
        for (int r = 0; r < rows; r++)
        {
            Link.Apply(link, margins.Slice(r * outputs, outputs), linked);
            var x = columns.Slice(r * m, m);
            for (int o = 0; o < outputs; o++)
            {
                double ours = linked[o], runtime = served[(r * outputs) + o];
                if (double.IsNaN(ours) && double.IsNaN(runtime))
                {
                    continue;
                }

                double error = Math.Abs(ours - runtime);
                double tolerance = (RelativeTolerance * Math.Max(1, Math.Abs(runtime))) + (Slope(link, ours, runtime) * Drift(ensemble, x, o));
                maxError = double.IsNaN(error) ? double.NaN : Math.Max(maxError, error);
                double ratio = double.IsNaN(error) ? double.PositiveInfinity : error / tolerance;
                if (ratio > worstRatio)
                {
                    worstRatio = ratio;
                    refusal = string.Create(CultureInfo.InvariantCulture,
                        $"the explained model disagrees with ONNX Runtime: row {r}, output '{outputNames[o]}': Link(margin) = {ours:G9}, ONNX Runtime serves {runtime:G9}, difference {error:G3} exceeds the tolerance {tolerance:G3}; the explanation would not explain the served output");
                }
            }
        }

        return refusal is null ? maxError : throw new RuntimeDisagreementException(refusal);
    }

    /// <summary>Casebook C27: bound on the float32 summation error of the trees in margin space for output <paramref name="o"/>.</summary>
    private static double Drift(TreeEnsemble e, ReadOnlySpan<double> x, int o)
    {
        double magnitude = Math.Abs(e.BaseValues[o]);
        for (int t = 0; t < e.TreeCount; t++)
        {
            magnitude += Math.Abs(e.LeafValues[(e.Leaf(t, x) * e.OutputCount) + o]);
        }

        return e.TreeCount * Math.Pow(2, -23) * magnitude;
    }

    /// <summary>An upper bound of the link's derivative near the compared values.</summary>
    private static double Slope(LinkFunction link, double ours, double runtime)
    {
        double largest = Math.Max(Math.Abs(ours), Math.Abs(runtime));
        return link switch
        {
            LinkFunction.Identity => 1,
            LinkFunction.Logistic => 0.25,
            LinkFunction.Softmax or LinkFunction.SoftmaxZero => 0.5,
            LinkFunction.Exp => largest,
            LinkFunction.Probit => Math.Sqrt(2 * Math.PI) * Math.Exp(largest * largest / 2),
            _ => 1,
        };
    }
}
