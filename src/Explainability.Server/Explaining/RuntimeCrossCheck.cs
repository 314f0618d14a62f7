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
/// Tolerance per value, in the served space: <c>1e-5 * |runtime| + 1e-7 + slope * drift</c>, where
/// <c>drift = trees * 2^-23 * (|base| + sum over trees of |leaf value reached|)</c> bounds ONNX Runtime's float32 summation
/// of the trees in margin space (casebook C27; it also covers the small differences between batched and single-row
/// runtime calls), and <c>slope</c> bounds the link's derivative so the margin drift is carried into the served space:
/// identity 1, logistic <c>p (1 - p)</c> at the larger of the two, softmax 1/2 (|dp_i| &lt;= 2 p_i (1 - p_i) d), exp the
/// larger of the two values, probit <c>sqrt(2 pi) exp(q^2 / 2)</c> at the larger |quantile| q (plus 5e-3 relative for
/// ONNX Runtime's approximate erfinv). The <c>1e-7</c> floor is float32 rounding of served values near 0. A NaN on one side
/// only is a disagreement.
/// </remarks>
public static class RuntimeCrossCheck
{
    /// <summary>Relative part of the tolerance.</summary>
    public const double RelativeTolerance = 1e-5;

    /// <summary>Absolute floor of the tolerance, in the served space: float32 rounding of values near 0.</summary>
    public const double AbsoluteTolerance = 1e-7;

    /// <summary>Extra relative tolerance for PROBIT: ONNX Runtime's erfinv is an approximation (up to 1.8e-3 relative on scores 0.001-0.999).</summary>
    public const double ProbitRelativeTolerance = 5e-3;

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
                double relative = link == LinkFunction.Probit ? RelativeTolerance + ProbitRelativeTolerance : RelativeTolerance;
                double tolerance = (relative * Math.Abs(runtime)) + AbsoluteTolerance + (Slope(link, ours, runtime) * Drift(ensemble, x, o));
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
            // d sigma / dm = p (1 - p), at the larger of the two probabilities' slopes.
            LinkFunction.Logistic => Math.Max(ours * (1 - ours), runtime * (1 - runtime)),
            LinkFunction.Softmax or LinkFunction.SoftmaxZero => 0.5,
            LinkFunction.Exp => largest,
            LinkFunction.Probit => Math.Sqrt(2 * Math.PI) * Math.Exp(largest * largest / 2),
            _ => 1,
        };
    }
}
