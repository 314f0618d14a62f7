namespace Explainability.Core.Shap;

/// <summary>
/// Per-thread scratch arrays of the model-agnostic explainers (exact, KernelSHAP, permutation), grown on demand and
/// reused across rows so the per-row path does not allocate. One instance is used by one thread at a time.
/// </summary>
internal sealed class ScratchBuffers
{
    private bool[] _masks = [];
    private double[] _values = [];
    private double[] _weights = [];
    private double[] _cumulative = [];
    private double[] _estimates = [];
    private int[] _orders = [];
    private int[] _order = [];
    private int[] _indices = [];

    public bool[] Masks(int length) => Grow(ref _masks, length);

    public double[] Values(int length) => Grow(ref _values, length);

    public double[] Weights(int length) => Grow(ref _weights, length);

    public double[] Cumulative(int length) => Grow(ref _cumulative, length);

    public double[] Estimates(int length) => Grow(ref _estimates, length);

    public int[] Orders(int length) => Grow(ref _orders, length);

    public int[] Order(int length) => Grow(ref _order, length);

    public int[] Indices(int length) => Grow(ref _indices, length);

    private static T[] Grow<T>(ref T[] array, int length) => array.Length >= length ? array : array = new T[length];
}
