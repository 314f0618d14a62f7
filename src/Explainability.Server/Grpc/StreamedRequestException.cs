namespace Explainability.Server.Grpc;

/// <summary>
/// A request of an <c>ExplainStream</c> call was refused: <see cref="Exception.InnerException"/> is what <c>Explain</c>
/// threw for it. <see cref="ErrorInterceptor"/> gives the inner exception's status with the message prefixed by
/// <c>request N: </c> (0-based position in the stream).
/// </summary>
public sealed class StreamedRequestException : Exception
{
    /// <summary>A refusal of the request at <paramref name="position"/>.</summary>
    public StreamedRequestException(int position, Exception inner)
        : base($"request {position}: {inner?.Message}", inner)
    {
        Position = position;
    }

    /// <summary>Position of the refused request in the stream, from 0.</summary>
    public int Position { get; }
}
