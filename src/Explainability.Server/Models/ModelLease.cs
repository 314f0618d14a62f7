namespace Explainability.Server.Models;

/// <summary>
/// The right to use one model version for the length of a request (<see cref="ModelRegistry.Acquire"/>): while the lease is
/// open its <see cref="Model"/>, ONNX Runtime session included, is not disposed, even when the registry has meanwhile
/// replaced or removed it. Dispose the lease when the request is answered (<c>using var lease = registry.Acquire(id)</c>);
/// the model the registry no longer serves is disposed when its last lease is. Disposing twice is harmless. Not for
/// sharing between requests.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private ServedModel? _served;

    internal ModelLease(ServedModel served)
    {
        _served = served;
        Model = served.Model;
    }

    /// <summary>The model version this lease holds; the same for the whole lease.</summary>
    public LoadedModel Model { get; }

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _served, null)?.Release();
}
