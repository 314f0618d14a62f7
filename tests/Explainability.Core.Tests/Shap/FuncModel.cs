using Explainability.Core.Models;

namespace Explainability.Core.Tests.Shap;

/// <summary>A black-box model from a row function, counting its calls and rows (thread-safe).</summary>
internal sealed class FuncModel(int inputs, int outputs, FuncModel.RowFunction f) : IBatchModel
{
    private long _calls;
    private long _rows;
    private int _largestCall;

    public delegate void RowFunction(ReadOnlySpan<double> x, Span<double> y);

    public int InputCount => inputs;

    public int OutputCount => outputs;

    public long Calls => Interlocked.Read(ref _calls);

    public long Rows => Interlocked.Read(ref _rows);

    public int LargestCall => _largestCall;

    /// <summary>A one-output model y = g(x).</summary>
    public static FuncModel Scalar(int inputs, Func<double[], double> g) => new(inputs, 1, (x, y) => y[0] = g(x.ToArray()));

    public void Predict(ReadOnlySpan<double> rows, Span<double> results)
    {
        int n = rows.Length / inputs;
        Assert.Equal(n * inputs, rows.Length);
        Assert.Equal(n * outputs, results.Length);
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _rows, n);
        int largest;
        do
        {
            largest = _largestCall;
        }
        while (n > largest && Interlocked.CompareExchange(ref _largestCall, n, largest) != largest);

        for (int r = 0; r < n; r++)
        {
            f(rows.Slice(r * inputs, inputs), results.Slice(r * outputs, outputs));
        }
    }

    public static double Sigmoid(double m) => 1 / (1 + Math.Exp(-m));
}
