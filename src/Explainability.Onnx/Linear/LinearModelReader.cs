using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Onnx.Graph;
using Explainability.Onnx.Proto;

namespace Explainability.Onnx.Linear;

/// <summary>
/// Reads an <c>ai.onnx.ml</c> LinearRegressor or LinearClassifier node: <c>scores = X · coefficientsᵀ + intercepts</c>
/// with <c>coefficients [rows, columns]</c>, then <c>post_transform</c>. A LinearClassifier with one coefficient row and
/// two class labels serves two columns, <c>[1 - s, s]</c> (NONE) or <c>[σ(-s), σ(s)]</c> (LOGISTIC), so its single
/// explained output is the positive class (the second label), as for one-score binary tree classifiers.
/// </summary>
internal static class LinearModelReader
{
    public static readonly string[] OpTypes = ["LinearRegressor", "LinearClassifier"];

    public static bool IsLinear(NodeProto node) => node.Domain == "ai.onnx.ml" && OpTypes.Contains(node.OpType);

    /// <summary>Reads <paramref name="node"/> for an input of <paramref name="columns"/> columns.</summary>
    /// <exception cref="UnsupportedModelException">The coefficients do not fit the input width, the intercepts do not
    /// fit the coefficients, or a post_transform is unknown.</exception>
    public static ParsedLinear Read(NodeProto node, int columns)
    {
        string where = $"{node.OpType} '{node.Name}'";
        var coefficients = OnnxAttributes.Floats(node, "coefficients").Select(f => (double)f).ToArray();
        var intercepts = OnnxAttributes.Floats(node, "intercepts").Select(f => (double)f).ToArray();
        string post = OnnxAttributes.String(node, "post_transform") ?? "NONE";
        var link = post switch
        {
            "NONE" => LinkFunction.Identity,
            "LOGISTIC" => LinkFunction.Logistic,
            "SOFTMAX" => LinkFunction.Softmax,
            "SOFTMAX_ZERO" => LinkFunction.SoftmaxZero,
            "PROBIT" => LinkFunction.Probit,
            _ => throw new UnsupportedModelException($"{where}: post_transform '{post}' is unknown; expected NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO or PROBIT"),
        };

        if (columns <= 0 || coefficients.Length == 0 || coefficients.Length % columns != 0)
        {
            throw new UnsupportedModelException(
                $"{where}: {coefficients.Length} coefficients are not a whole number of rows of the input's {columns} columns");
        }

        int rows = coefficients.Length / columns;
        if (node.OpType == "LinearRegressor")
        {
            long targets = OnnxAttributes.Int(node, "targets") ?? 1;
            if (targets != rows)
            {
                throw new UnsupportedModelException($"{where}: targets is {targets}, but the coefficients hold {rows} rows of {columns} columns");
            }
        }

        if (intercepts.Length == 0)
        {
            intercepts = new double[rows];
        }
        else if (intercepts.Length != rows)
        {
            throw new UnsupportedModelException($"{where}: {intercepts.Length} intercepts for {rows} coefficient rows; expected {rows}");
        }

        string[] labels;
        int[] scoreColumns = Enumerable.Range(0, rows).ToArray();
        int scoreWidth = rows;
        bool sumsToOne = link is LinkFunction.Softmax;
        if (node.OpType == "LinearClassifier")
        {
            var strings = OnnxAttributes.Strings(node, "classlabels_strings");
            labels = strings.Length > 0
                ? strings
                : OnnxAttributes.Ints(node, "classlabels_ints").Select(l => l.ToString(CultureInfo.InvariantCulture)).ToArray();
            if (rows == 1 && labels.Length == 2)
            {
                // One score, two labels: the runtime appends the complementary class; explain the positive one.
                scoreColumns = [1];
                scoreWidth = 2;
                sumsToOne = link is LinkFunction.Identity or LinkFunction.Logistic;
                labels = [labels[1]];
            }
            else if (labels.Length != rows)
            {
                throw new UnsupportedModelException($"{where}: {labels.Length} class labels for {rows} coefficient rows; expected {rows} (or 2 with one row)");
            }

            // skl2onnx writes a binary logistic regression as the rows [-w, w], intercepts [-b, b]: σ(-s) + σ(s) = 1.
            sumsToOne |= rows == 2 && link == LinkFunction.Logistic && intercepts[0] == -intercepts[1]
                && Enumerable.Range(0, columns).All(c => coefficients[c] == -coefficients[columns + c]);
        }
        else
        {
            labels = [.. Enumerable.Range(0, rows).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        }

        return new ParsedLinear(coefficients, intercepts, link, labels, node.Output[node.OpType == "LinearClassifier" ? 1 : 0],
            scoreColumns, scoreWidth, sumsToOne);
    }
}
