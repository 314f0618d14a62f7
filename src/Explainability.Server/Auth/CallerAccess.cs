using Explainability.Core.Data;

namespace Explainability.Server.Auth;

/// <summary>Who makes a call and what they may do: the authenticated client and its token's scope, or, with authentication
/// off, the client the call names and every right.</summary>
/// <param name="Client">The client name recorded in the ledger: the token's client when authenticated, else the call's
/// <c>client</c> header or <c>anonymous</c>.</param>
/// <param name="Scope">What the caller may do.</param>
/// <param name="TokenId">The public id of the token the call was authenticated with, or null with authentication off.</param>
public sealed record CallerAccess(string Client, TokenScope Scope, string? TokenId)
{
    /// <summary>The client name logged for a call without a valid token.</summary>
    public const string UnknownClient = "unknown";

    /// <summary>Throws unless the caller may use the model <paramref name="modelId"/>.</summary>
    /// <exception cref="PermissionDeniedException">The model is outside the token's scope; the message names it.</exception>
    public void RequireModel(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        if (!Scope.AllowsModel(modelId))
        {
            throw new PermissionDeniedException(
                $"client {MessageText.Quote(Client)} may not use model {MessageText.Quote(modelId)}; its token allows the models {TokenScope.Format(Scope.Models)}", Client);
        }
    }

    /// <summary>Throws unless the caller may request views for <paramref name="audience"/>.</summary>
    /// <exception cref="ArgumentException">No audience has that name (<c>InvalidArgument</c>, whatever the scope): a
    /// misspelt audience is the request's fault, not a right the caller lacks.</exception>
    /// <exception cref="PermissionDeniedException">The audience is outside the token's scope; the message names it.</exception>
    public void RequireAudience(string audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        Explainability.Views.Audiences.Require(audience, nameof(audience));
        if (!Scope.AllowsAudience(audience))
        {
            throw new PermissionDeniedException(
                $"client {MessageText.Quote(Client)} may not request the audience {MessageText.Quote(audience)}; its token allows the audiences {TokenScope.Format(Scope.Audiences)}", Client);
        }
    }

    /// <summary>Throws unless the caller may read the ledger (<paramref name="what"/> names the call, for the message).</summary>
    /// <exception cref="PermissionDeniedException">The token has no ledger-read right.</exception>
    public void RequireLedgerRead(string what)
    {
        if (!Scope.LedgerRead)
        {
            throw new PermissionDeniedException(
                $"client {MessageText.Quote(Client)} may not read the ledger ({what}); its token has no ledger-read right (tokens issue --ledger-read)", Client);
        }
    }
}
