using System.Globalization;
using Explainability.Core.Data;
using Explainability.Server.Auth;
using Explainability.Server.Explaining;
using Explainability.Server.Grpc;
using Explainability.Server.Ledger;
using Explainability.Views.Policies;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Viewer;

/// <summary>
/// The HTML viewer for analysts, on its own Kestrel endpoint (plain HTTP/1.1, 127.0.0.1 by default): <c>GET
/// /explanations</c> lists the most recent recorded explanations (<c>?limit=N</c>, default 50, at most 1000), <c>GET
/// /explanations/{id}/{audience}</c> renders that audience's view of a recorded explanation (<c>?language=nl</c>) from the
/// ledger without recomputing it, and records it like every view served (<c>served_by</c> <c>Viewer</c>). Refusals are
/// classified by <see cref="ErrorInterceptor.ToStatus"/>, the same as in gRPC, and shown as an HTML page with the HTTP code
/// of that status. With authentication on, every page needs <c>Authorization: Bearer &lt;token&gt;</c> of a token with the
/// ledger-read right (401 without a valid one, 403 without the right); the list shows those of the N most recent
/// explanations whose model is in the token's scope, and a view page needs its model and audience in scope. A browser sends that header only through a proxy or an
/// extension that adds it; without authentication the viewer is for a trusted network.
/// </summary>
public static partial class ViewerEndpoints
{
    /// <summary>The path of the list.</summary>
    public const string ListPath = "/explanations";

    /// <summary>The client recorded for the viewer's views when authentication is off.</summary>
    public const string ViewerClient = "viewer";

    /// <summary>Rows the list shows by default.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Most rows the list shows.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// Maps the viewer's routes on <paramref name="app"/>. The gRPC endpoint speaks HTTP/2 only and the viewer endpoint
    /// HTTP/1.1 only, so the protocol of a request tells which endpoint it came through: viewer paths answer only over
    /// HTTP/1.x, and every other path (the gRPC methods) only over HTTP/2; anything else is 404.
    /// </summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            bool viewerConnection = HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol);
            if (viewerConnection != context.Request.Path.StartsWithSegments(ListPath, StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapGet(ListPath, context => Respond(context, () =>
        {
            // Who asks comes first: a caller without a valid token learns nothing, not even that a parameter is wrong.
            var access = Access(context);
            int limit = DefaultLimit;
            if (context.Request.Query["limit"] is { Count: > 0 } text
                && (!int.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
            {
                throw new ArgumentException($"limit {MessageText.Quote(text[0])} is not a whole number from 1 to {MaxLimit}");
            }

            var ledger = context.RequestServices.GetRequiredService<LedgerService>().Ledger;
            return ViewerPages.List([.. ledger.Recent(limit).Where(r => access.Scope.AllowsModel(r.ModelId))]);
        }));
        app.MapGet(ListPath + "/{id}/{audience}", context => Respond(context, () =>
        {
            var access = Access(context);
            string id = (string)context.Request.RouteValues["id"]!;
            string audience = (string)context.Request.RouteValues["audience"]!;
            string? language = context.Request.Query["language"] is { Count: > 0 } values ? values[0] : null;
            if (language is not null && !AudiencePolicy.IsLanguageCode(language))
            {
                throw new ArgumentException($"language {MessageText.Quote(language)} is not a language code such as 'en', 'nl' or 'en-GB'");
            }

            var service = context.RequestServices.GetRequiredService<LedgerService>();
            access.RequireAudience(audience);
            ExplanationIds.Require(id);
            access.RequireModel(service.GetExplanation(id).ModelId);
            var caller = new LedgerCaller(access.Client, $"ipv4:{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}");
            // The audience's own HTML page (inline SVG charts) when it has one; else the text view in the viewer's wrapper.
            var renderer = context.RequestServices.GetRequiredService<ExplanationService>().Views.Renderer;
            string format = renderer.HasTemplate(audience, "html") ? "html" : "text";
            var (recorded, view) = service.RenderAndRecord(id, audience, language, format, caller, LedgerService.ServedByViewer);
            return ViewerPages.View(service.GetExplanation(id), recorded, view.View, format == "html");
        }));
    }

    /// <summary>The page's caller: with authentication off, every right under the client name <c>viewer</c>.</summary>
    /// <exception cref="UnauthenticatedException">Authentication is on and the request has no valid bearer token.</exception>
    /// <exception cref="PermissionDeniedException">The token has no ledger-read right.</exception>
    private static CallerAccess Access(HttpContext context)
    {
        var access = context.RequestServices.GetRequiredService<BearerAuthenticator>().Authenticate(context.Request.Headers.Authorization, ViewerClient);
        access.RequireLedgerRead("the HTML viewer");
        return access;
    }

    private static async Task Respond(HttpContext context, Func<string> page)
    {
        string html;
        int status = StatusCodes.Status200OK;
        try
        {
            html = page();
        }
        catch (Exception e)
        {
            var grpc = ErrorInterceptor.ToStatus(e);
            status = HttpStatus(grpc.StatusCode);
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ViewerEndpoints));
            if (grpc.StatusCode == StatusCode.Internal)
            {
                LogInternal(logger, e, context.Request.Path);
            }
            else if (ErrorInterceptor.ClientRefused(e) is { } client)
            {
                LogAccessRefused(logger, context.Request.Path, client, status, grpc.Detail);
            }

            if (grpc.StatusCode == StatusCode.Unauthenticated)
            {
                context.Response.Headers.WWWAuthenticate = BearerAuthenticator.Scheme;
            }

            html = ViewerPages.Error(status, grpc.Detail);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        // The page loads nothing: no script, no external style, font or image; only its inline style and SVG.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(html).ConfigureAwait(false);
    }

    private static int HttpStatus(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.FailedPrecondition => StatusCodes.Status409Conflict,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "viewer {Path} refused to client {Client}: {HttpStatus} {Detail}")]
    private static partial void LogAccessRefused(ILogger logger, string path, string client, int httpStatus, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "viewer {Path} failed with an unexpected error")]
    private static partial void LogInternal(ILogger logger, Exception exception, string path);
}
