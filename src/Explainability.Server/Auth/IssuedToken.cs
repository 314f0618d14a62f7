namespace Explainability.Server.Auth;

/// <summary>A token as the store keeps it, without its secret: what <c>tokens list</c> shows.</summary>
/// <param name="Id">The token's short public id (12 lowercase hex digits, also the second part of the token text); it
/// names the token in lists, logs and <c>tokens revoke --id</c> and is no secret.</param>
/// <param name="Client">The consuming system's name, recorded in the ledger for every call made with the token.</param>
/// <param name="Scope">What the token allows.</param>
/// <param name="IssuedAt">When it was issued (UTC).</param>
/// <param name="RevokedAt">When it was revoked (UTC), or null while it is valid.</param>
public sealed record IssuedToken(string Id, string Client, TokenScope Scope, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Whether the token was revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}
