namespace Explainability.Server.Grpc;

/// <summary>
/// Bounds the explanations computing at once (<c>Explain</c>, each request of <c>ExplainStream</c>, <c>Compare</c>). A
/// call over the limit is refused at once with <see cref="RequestLimitException"/> (<c>ResourceExhausted</c>) instead of
/// waiting: under a burst the server answers the excess immediately and keeps its threads and memory for the calls it
/// took, and the client decides when to retry. Thread-safe.
/// </summary>
public sealed class CallConcurrencyLimit
{
    private int _running;

    /// <summary>A limit of <paramref name="limit"/> calls at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is below 1.</exception>
    public CallConcurrencyLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    /// <summary>Most calls computing at once.</summary>
    public int Limit { get; }

    /// <summary>Calls computing now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Takes a slot for the caller's computation, released when the returned value is disposed.</summary>
    /// <param name="rpc">The RPC, named in the refusal.</param>
    /// <exception cref="RequestLimitException"><see cref="Limit"/> calls are computing already; the message names the limit.</exception>
    public Slot Enter(string rpc)
    {
        if (Interlocked.Increment(ref _running) > Limit)
        {
            Interlocked.Decrement(ref _running);
            throw new RequestLimitException(
                $"the server is busy: {Limit} {(Limit == 1 ? "explanation is" : "explanations are")} already being computed, its limit of concurrent calls (serve --max-concurrent); {rpc} was not started: retry after a short backoff");
        }

        return new Slot(this);
    }

    /// <summary>A slot taken by <see cref="Enter"/>; disposing it releases the slot (once).</summary>
    public sealed class Slot : IDisposable
    {
        private CallConcurrencyLimit? _owner;

        internal Slot(CallConcurrencyLimit owner) => _owner = owner;

        /// <inheritdoc />
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _owner, null) is { } owner)
            {
                Interlocked.Decrement(ref owner._running);
            }
        }
    }
}
