using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Explainability.Server.Auth;

/// <summary>
/// Authenticates every gRPC call before its method runs (<see cref="BearerAuthenticator"/>) and leaves the caller in the
/// call's user state for the service's scope checks (<see cref="Of"/>). Runs inside <see cref="Grpc.ErrorInterceptor"/>,
/// which turns its <see cref="UnauthenticatedException"/> into <c>Unauthenticated</c> and logs it without the token.
/// </summary>
public sealed class AuthInterceptor(BearerAuthenticator authenticator) : Interceptor
{
    private static readonly object Key = typeof(CallerAccess);

    /// <summary>The caller of an authenticated call.</summary>
    /// <exception cref="InvalidOperationException">The call did not pass this interceptor (a wiring bug).</exception>
    public static CallerAccess Of(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(Key, out var access) && access is CallerAccess caller
            ? caller
            : throw new InvalidOperationException($"the call {context.Method} was not authenticated: {nameof(AuthInterceptor)} is not registered");
    }

    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    /// <inheritdoc />
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    /// <inheritdoc />
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    /// <summary>The gRPC health service: answered without a token, because orchestrators' probes (Kubernetes, load
    /// balancers) carry none; it tells only whether the server serves.</summary>
    public const string HealthServicePrefix = "/grpc.health.v1.Health/";

    private void Authenticate(ServerCallContext context)
    {
        if (context.Method.StartsWith(HealthServicePrefix, StringComparison.Ordinal))
        {
            return;
        }

        // Already checked from the headers, before the body was read, when a token store is configured.
        if (context.GetHttpContext().Items.TryGetValue(TokenCheckMiddleware.Key, out var checkedAccess) && checkedAccess is CallerAccess access)
        {
            context.UserState[Key] = access;
            return;
        }

        context.UserState[Key] = authenticator.Authenticate(
            context.RequestHeaders.GetValue(BearerAuthenticator.AuthorizationHeader), context.RequestHeaders.GetValue(Grpc.ExplainerGrpcService.ClientHeader));
    }
}
