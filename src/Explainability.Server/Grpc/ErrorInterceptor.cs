using Explainability.Onnx;
using Explainability.Server.Auth;
using Explainability.Server.Explaining;
using Explainability.Server.Ledger;
using Explainability.Server.Models;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Grpc;

/// <summary>
/// The one place where exceptions become gRPC status codes. The status message is the exception's message (never a
/// stack trace); an exception that is not a known client error becomes <c>Internal</c> with a generic message and is
/// logged in full. The server keeps serving after any failed call.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    /// <summary>
    /// The status for <paramref name="exception"/>. Only the service's own domain exceptions carry their message to the
    /// client: <see cref="ModelNotFoundException"/> and <see cref="ExplanationNotFoundException"/> -> <c>NotFound</c>;
    /// <see cref="MalformedMessageException"/> (bytes that are no request message, see <see cref="StrictRequestBinder"/>) ->
    /// <c>InvalidArgument</c>; <see cref="LedgerUnavailableException"/> (the ledger could not record or read; nothing was answered unrecorded) and
    /// <see cref="TokenStoreUnavailableException"/> (the call's token could not be looked up, so it was not let in) -> <c>Unavailable</c>; <see cref="RequestLimitException"/> ->
    /// <c>ResourceExhausted</c>; <see cref="UnauthenticatedException"/> -> <c>Unauthenticated</c>;
    /// <see cref="PermissionDeniedException"/> -> <c>PermissionDenied</c>; <see cref="StreamedRequestException"/> -> its inner exception's status, the message prefixed
    /// with the request's position; <see cref="Onnx.InputException"/>, and a plain <see cref="ArgumentException"/> or
    /// <see cref="FormatException"/> thrown by the service's own validation (see <see cref="RequestErrors.IsOwnValidation"/>)
    /// -> <c>InvalidArgument</c>; <see cref="Onnx.UnsupportedModelException"/> and <see cref="RuntimeDisagreementException"/>
    /// and <see cref="ModelVersionUnavailableException"/> -> <c>FailedPrecondition</c>; <see cref="OperationCanceledException"/> -> <c>Cancelled</c>. Anything else, including
    /// framework exceptions that merely share a base type (<see cref="ArgumentNullException"/>,
    /// <see cref="ArgumentOutOfRangeException"/>, "Collection was modified", "Sequence contains no elements"), is a bug:
    /// <c>Internal</c> with a message that reveals nothing of the server, the exception logged in full at Error.
    /// </summary>
    public static Status ToStatus(Exception exception) => exception switch
    {
        StreamedRequestException { InnerException: { } inner } streamed => ToStatus(inner) is var status && status.StatusCode != StatusCode.Internal && status.StatusCode != StatusCode.Cancelled
            ? new Status(status.StatusCode, $"request {streamed.Position}: {status.Detail}")
            : status,
        ModelNotFoundException or ExplanationNotFoundException => new Status(StatusCode.NotFound, MessageOf(exception)),
        UnauthenticatedException => new Status(StatusCode.Unauthenticated, MessageOf(exception)),
        PermissionDeniedException => new Status(StatusCode.PermissionDenied, MessageOf(exception)),
        MalformedMessageException => new Status(StatusCode.InvalidArgument, MessageOf(exception)),
        RequestLimitException => new Status(StatusCode.ResourceExhausted, MessageOf(exception)),
        UnsupportedModelException or RuntimeDisagreementException or ModelVersionUnavailableException =>
            new Status(StatusCode.FailedPrecondition, MessageOf(exception)),
        LedgerUnavailableException or TokenStoreUnavailableException => new Status(StatusCode.Unavailable, MessageOf(exception)),
        _ when RequestErrors.IsOwnValidation(exception) => new Status(StatusCode.InvalidArgument, MessageOf(exception)),
        OperationCanceledException => new Status(StatusCode.Cancelled, "the call was cancelled"),
        _ => new Status(StatusCode.Internal, "internal error while serving the call; the server log has the details"),
    };

    private RpcException Translate(Exception exception, ServerCallContext context)
    {
        // The call's token is cancelled both when the client cancels and when its deadline passes: the deadline tells which.
        var status = exception is OperationCanceledException && context.Deadline <= DateTime.UtcNow
            ? new Status(StatusCode.DeadlineExceeded, "the call's deadline passed before its answer was ready; the work was stopped and nothing was recorded")
            : ToStatus(exception);
        var cause = exception is StreamedRequestException { InnerException: { } inner } ? inner : exception;
        if (status.StatusCode == StatusCode.Internal)
        {
            LogInternal(cause, context.Method);
        }
        else if (cause is LedgerUnavailableException or TokenStoreUnavailableException)
        {
            // The server's own storage failed, not the request: the operator must see why calls fail (the messages name the
            // database or file, never a password, and quote nothing of the request).
            LogStorageUnavailable(cause, context.Method);
        }
        else if (ClientRefused(cause) is { } client)
        {
            LogAccessRefused(context.Method, client, status.StatusCode, status.Detail);
        }
        else
        {
            LogRefused(context.Method, status.StatusCode, status.Detail);
        }

        return new RpcException(status);
    }

    /// <summary>The client an authentication or authorization refusal names (<c>unknown</c> without a valid token), or
    /// null for any other exception. Logs say who was refused, and never the token: the exceptions carry no token text.</summary>
    public static string? ClientRefused(Exception exception) => exception switch
    {
        UnauthenticatedException e => e.Client,
        PermissionDeniedException e => e.Client,
        _ => null,
    };

    // An ArgumentException with a parameter name appends " (Parameter 'name')" to its message: the client never sent a
    // parameter of that name, so the suffix is dropped.
    private static string MessageOf(Exception exception)
    {
        string message = exception.Message;
        if (exception is ArgumentException { ParamName: { } name })
        {
            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed with an unexpected error")]
    private partial void LogInternal(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} answered Unavailable: the server's storage failed")]
    private partial void LogStorageUnavailable(Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} refused to client {Client}: {StatusCode} {Detail}")]
    private partial void LogAccessRefused(string method, string client, StatusCode statusCode, string detail);

    // Debug only: a refusal's message may quote a value of the request; CallTelemetryInterceptor logs every call's status at
    // Information without it.
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} refused: {StatusCode} {Detail}")]
    private partial void LogRefused(string method, StatusCode statusCode, string detail);
}
