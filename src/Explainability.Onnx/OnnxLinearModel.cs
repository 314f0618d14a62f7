using Explainability.Core.Explanations;

namespace Explainability.Onnx;

/// <summary>
/// The linear model an ONNX model serves (<c>ai.onnx.ml</c> LinearRegressor or LinearClassifier), in margin space:
/// <c>served[o] = Link(margin)[o]</c> with <c>margin[o] = Intercepts[o] + sum_c Weights[o, c] * columns[c]</c> for the
/// node's input columns, which <see cref="OnnxModel.ComputeColumns"/> obtains from ONNX Runtime (all preprocessing applied).
/// </summary>
/// <param name="Weights">Coefficients, <c>[outputs, columns]</c> row-major: the float32 attribute values widened exactly,
/// times any constant factor applied after the node (folded like the trees' affine steps).</param>
/// <param name="Intercepts">Intercepts in margin space, <c>[outputs]</c>, constant affine steps after the node folded in.</param>
/// <param name="FeatureMap">Maps each input column of the node to the raw feature it comes from (one-hot columns of one
/// categorical input map to that input).</param>
/// <param name="Link">Turns margins into the served output: the node's post_transform, or a Sigmoid/Softmax/Exp node after it.</param>
/// <param name="OutputNames">Name of each explained output, <c>[outputs]</c>: class labels, or target indices; a binary
/// classifier with one coefficient row has only its positive class.</param>
/// <param name="ServedOutputName">The graph output whose values are explained.</param>
/// <param name="NodeName">Name of the linear node in the graph.</param>
/// <param name="OpType">LinearRegressor or LinearClassifier.</param>
/// <param name="InputName">The tensor the node reads, <c>[rows, columns]</c>.</param>
/// <param name="ColumnMappingSource">How <paramref name="FeatureMap"/> was found: <c>dataflow</c> or <c>perturbation</c>
/// (see <see cref="OnnxTreeModel.ColumnMappingSource"/>).</param>
public sealed record OnnxLinearModel(
    double[] Weights,
    double[] Intercepts,
    FeatureMap FeatureMap,
    LinkFunction Link,
    IReadOnlyList<string> OutputNames,
    string ServedOutputName,
    string NodeName,
    string OpType,
    string InputName,
    string ColumnMappingSource)
{
    /// <summary>Number of explained outputs.</summary>
    public int OutputCount => Intercepts.Length;

    /// <summary>Number of input columns of the node.</summary>
    public int ColumnCount => FeatureMap.ColumnCount;

    /// <summary>
    /// The margins of one row, in double: <c>margin[o] = Intercepts[o] + sum_c Weights[o, c] * columns[c]</c>.
    /// ONNX Runtime computes the same sum in float32, so the two agree to float32 rounding.
    /// </summary>
    /// <param name="columns">The node's input columns of one row, <c>[columns]</c>.</param>
    /// <param name="margin">Receives the margins, <c>[outputs]</c>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Evaluate(ReadOnlySpan<double> columns, Span<double> margin)
    {
        int m = ColumnCount;
        if (columns.Length != m || margin.Length != OutputCount)
        {
            throw new ArgumentException($"expected {m} columns and {OutputCount} margins, got {columns.Length} and {margin.Length}");
        }

        for (int o = 0; o < OutputCount; o++)
        {
            double sum = Intercepts[o];
            var w = Weights.AsSpan(o * m, m);
            for (int c = 0; c < m; c++)
            {
                sum += w[c] * columns[c];
            }

            margin[o] = sum;
        }
    }
}
