namespace Explainability.Server.Models;

/// <summary>
/// A <see cref="LoadedModel"/> with a count of who holds it: the registry (one reference while the model is the one served
/// under its id) and every open <see cref="ModelLease"/>. The model is disposed when the count reaches zero, so a model
/// replaced by a new version finishes the requests that hold it before its ONNX Runtime session goes. Lock-free: one
/// interlocked count.
/// </summary>
internal sealed class ServedModel(LoadedModel model)
{
    // 1: the registry's own reference. 0: retired and released by everyone, the model disposed; never counts up again.
    private int _references = 1;

    /// <summary>The model.</summary>
    public LoadedModel Model { get; } = model;

    /// <summary>Open leases plus one while the registry serves it; 0 once disposed.</summary>
    public int References => Volatile.Read(ref _references);

    /// <summary>Adds a reference unless the model was already released by everyone (and so disposed).</summary>
    /// <returns>Whether a reference was added; false means the caller must look the id up again.</returns>
    public bool TryAddReference()
    {
        int current = Volatile.Read(ref _references);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Drops a reference; the last one disposes the model.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            Model.Dispose();
        }
        else if (left < 0)
        {
            throw new InvalidOperationException($"model '{Model.Id}' version {Model.Version} was released more often than it was acquired");
        }
    }
}
