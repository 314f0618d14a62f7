using Google.Protobuf;
using Grpc.Core;

namespace Explainability.Server.Grpc;

/// <summary>
/// Binds the generated methods of a service with a request deserializer that turns unparseable bytes into
/// <c>InvalidArgument</c> naming the expected message. Grpc.AspNetCore reads a request before any interceptor runs and
/// answers a parser exception with <c>Unknown</c> ("Exception was thrown by handler"), which tells the client nothing; an
/// <see cref="RpcException"/> thrown by the deserializer is answered with its own status.
/// </summary>
/// <param name="inner">The binder Grpc.AspNetCore passed to the service's bind method.</param>
internal sealed class StrictRequestBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    /// <inheritdoc />
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Strict(method), handler);

    /// <inheritdoc />
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Strict(method), handler);

    /// <inheritdoc />
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Strict(method), handler);

    /// <inheritdoc />
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Strict(method), handler);

    private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new RpcException(ErrorInterceptor.ToStatus(new MalformedMessageException(
                    $"the request of {method.Name} is not a valid {method.ServiceName.Split('.')[0]}.{typeof(TRequest).Name} message: {e.Message}", e)));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}
