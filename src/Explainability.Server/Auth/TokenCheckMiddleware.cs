using System.Diagnostics;
using Explainability.Server.Observability;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Auth;

/// <summary>
/// Checks a gRPC call's bearer token from its headers before anything of its body is read. Grpc.AspNetCore reads and
/// decodes a unary call's whole request before the first interceptor runs, so without this a caller without a token could
/// make the server receive and decode messages up to the size limit; here such a call gets a trailers-only
/// <c>UNAUTHENTICATED</c> (<c>UNAVAILABLE</c> when the token store cannot be read) with <see cref="AuthInterceptor"/>'s
/// message, counted and logged like every refused call, and its body is never read. An accepted caller is handed to
/// <see cref="AuthInterceptor"/> through the request's items, so the store is read once per call. The health service
/// (<see cref="AuthInterceptor.HealthServicePrefix"/>) and every non-gRPC request pass untouched.
/// </summary>
internal static partial class TokenCheckMiddleware
{
    /// <summary>The key of the <see cref="CallerAccess"/> in <see cref="HttpContext.Items"/>.</summary>
    public static readonly object Key = typeof(TokenCheckMiddleware);

    /// <summary>Checks the call on <paramref name="context"/>; answers it and returns true when it is refused.</summary>
    /// <param name="context">The request.</param>
    /// <param name="authenticator">The server's authenticator (enabled: a token store is configured).</param>
    /// <param name="logger">Where a refusal is logged, with the client it names and never the token.</param>
    public static bool Refused(HttpContext context, BearerAuthenticator authenticator, ILogger logger)
    {
        string path = context.Request.Path.Value ?? "";
        if (!authenticator.Enabled
            || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true
            || path.StartsWith(AuthInterceptor.HealthServicePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        long start = Stopwatch.GetTimestamp();
        Status status;
        try
        {
            context.Items[Key] = authenticator.Authenticate(
                context.Request.Headers[BearerAuthenticator.AuthorizationHeader].FirstOrDefault(),
                context.Request.Headers[Grpc.ExplainerGrpcService.ClientHeader].FirstOrDefault());
            return false;
        }
        catch (UnauthenticatedException e)
        {
            status = new Status(StatusCode.Unauthenticated, e.Message);
            LogRefused(logger, path, e.Client, status.StatusCode, status.Detail);
        }
        catch (TokenStoreUnavailableException e)
        {
            status = new Status(StatusCode.Unavailable, e.Message);
            LogStoreUnavailable(logger, e, path);
        }

        // A bounded label: the method's name for this server's own services, "unknown" for any other path.
        string rpc = path.StartsWith("/explainability.", StringComparison.Ordinal) || path.StartsWith("/grpc.reflection.", StringComparison.Ordinal)
            ? path[(path.LastIndexOf('/') + 1)..]
            : "unknown";
        ExplainabilityMetrics.RecordCall(new CallSummary(rpc, "-", "-", "-", 0), status.StatusCode.ToString(), Stopwatch.GetElapsedTime(start).TotalSeconds);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(status.Detail);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} refused to client {Client}: {StatusCode} {Detail}")]
    private static partial void LogRefused(ILogger logger, string method, string client, StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} answered Unavailable: the token store cannot be read")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string method);
}
