using Grpc.Core;

namespace Explainability.Server.Observability;

/// <summary>A response stream that hands every message it wrote to <paramref name="written"/>: the rows of each answer of
/// <c>ExplainStream</c> are counted as they are sent.</summary>
/// <typeparam name="T">The response type.</typeparam>
internal sealed class ObservedStreamWriter<T>(IServerStreamWriter<T> inner, Action<T> written) : IServerStreamWriter<T>
{
    /// <inheritdoc />
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    /// <inheritdoc />
    public async Task WriteAsync(T message)
    {
        await inner.WriteAsync(message).ConfigureAwait(false);
        written(message);
    }

    /// <inheritdoc />
    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        await inner.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        written(message);
    }
}
