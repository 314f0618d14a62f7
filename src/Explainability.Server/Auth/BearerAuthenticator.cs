using System.Globalization;
using Explainability.Core.Data;

namespace Explainability.Server.Auth;

/// <summary>
/// Turns a call's <c>authorization</c> header into a <see cref="CallerAccess"/>, for the gRPC service and the HTML viewer
/// alike. With a token store (<see cref="ITokenStore"/>: a SQLite <see cref="TokenStore"/> or a <see cref="PostgresTokenStore"/>) every call needs <c>Bearer &lt;token&gt;</c> of a valid token; without one
/// (authentication off) every call has every right, under the client name of its <c>client</c> header.
/// Thread-safe; the token is looked up on every call, so a revocation applies to the next call (of every replica, with a
/// store they share).
/// </summary>
/// <param name="store">The tokens, or null for authentication off.</param>
public sealed class BearerAuthenticator(ITokenStore? store)
{
    /// <summary>The request header with the token.</summary>
    public const string AuthorizationHeader = "authorization";

    /// <summary>The scheme in <see cref="AuthorizationHeader"/>.</summary>
    public const string Scheme = "Bearer";

    /// <summary>Longest client name taken from a <c>client</c> header with authentication off; a longer one is cut.</summary>
    public const int MaxClientLength = TokenStore.MaxClientLength;

    /// <summary>Whether calls need a token.</summary>
    public bool Enabled => store is not null;

    /// <summary>The token store, or null with authentication off.</summary>
    public ITokenStore? Store => store;

    /// <summary>The caller of a call with these headers.</summary>
    /// <param name="authorization">The <c>authorization</c> header's value, or null.</param>
    /// <param name="clientHeader">The <c>client</c> header's value, or null; only used with authentication off.</param>
    /// <exception cref="UnauthenticatedException">Authentication is on and the header is missing, not a bearer token, or
    /// names a token that is unknown or revoked. The message never contains the header's value.</exception>
    /// <exception cref="TokenStoreUnavailableException">A PostgreSQL store cannot be read; the call is refused, not let in.</exception>
    public CallerAccess Authenticate(string? authorization, string? clientHeader)
    {
        if (store is null)
        {
            string client = clientHeader?.Trim() is { Length: > 0 } named ? named : Ledger.LedgerCaller.Anonymous;
            return new CallerAccess(client.Length > MaxClientLength ? client[..MaxClientLength] : client, TokenScope.Unrestricted, null);
        }

        if (string.IsNullOrWhiteSpace(authorization))
        {
            throw new UnauthenticatedException($"the call has no {AuthorizationHeader} header; send '{AuthorizationHeader}: {Scheme} <token>' with a token issued by 'tokens issue'");
        }

        string text = authorization.Trim();
        if (!text.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnauthenticatedException($"the {AuthorizationHeader} header is not a bearer token; expected '{Scheme} <token>'");
        }

        var token = store.Find(text[(Scheme.Length + 1)..].Trim())
            ?? throw new UnauthenticatedException("the bearer token is not known to this server");
        if (token.RevokedAt is { } revoked)
        {
            throw new UnauthenticatedException(
                string.Create(CultureInfo.InvariantCulture, $"the token {MessageText.Quote(token.Id)} of client {MessageText.Quote(token.Client)} was revoked at {revoked:yyyy-MM-dd'T'HH:mm:ss'Z'}"),
                token.Client);
        }

        return new CallerAccess(token.Client, token.Scope, token.Id);
    }
}
