namespace Explainability.Server.Auth;

/// <summary>
/// Where the consuming systems' tokens are kept, as the server's authenticator and <c>tokens issue|revoke|list</c> use it:
/// a SQLite file (<see cref="TokenStore"/>, one per server) or a PostgreSQL database (<see cref="PostgresTokenStore"/>,
/// shared by replicas, so a revocation reaches every one of them from its next call). Both keep per token its public id,
/// client, scope, issue and revocation times and the SHA-256 of the token text, never the text, in the same rows
/// (<see cref="TokenRows"/>). Thread-safe.
/// </summary>
public interface ITokenStore : IDisposable
{
    /// <summary>Where the store is, as messages and the start line show it: a file's full path, or
    /// <c>postgresql://USER@HOST:PORT/DATABASE</c> (never the password).</summary>
    string Location { get; }

    /// <summary>Issues a new token for <paramref name="client"/> and stores its hash; the returned text is never stored.</summary>
    /// <exception cref="ArgumentException">The client name is empty, longer than <see cref="TokenStore.MaxClientLength"/> or
    /// has control characters or surrounding spaces.</exception>
    /// <exception cref="TokenStoreUnavailableException">A PostgreSQL store cannot be written.</exception>
    NewToken Issue(string client, TokenScope scope);

    /// <summary>Revokes the valid tokens with public id <paramref name="id"/>, or every valid token of <paramref name="client"/>.</summary>
    /// <param name="client">The client whose tokens to revoke, or null.</param>
    /// <param name="id">The token to revoke, or null.</param>
    /// <returns>The tokens revoked, with their revocation time.</returns>
    /// <exception cref="ArgumentException">Neither or both of the two are given.</exception>
    /// <exception cref="KeyNotFoundException">No valid token has the id or belongs to the client; the message names it and
    /// the store.</exception>
    /// <exception cref="TokenStoreUnavailableException">A PostgreSQL store cannot be written.</exception>
    IReadOnlyList<IssuedToken> Revoke(string? client, string? id);

    /// <summary>Every token, revoked ones included, oldest first; without secrets or hashes.</summary>
    /// <exception cref="TokenStoreUnavailableException">A PostgreSQL store cannot be read.</exception>
    IReadOnlyList<IssuedToken> List();

    /// <summary>
    /// The stored token whose hash matches <paramref name="bearer"/> (revoked or not), or null when the text has not the
    /// token's shape, no token has its id, or the hash differs (compared in constant time).
    /// </summary>
    /// <exception cref="TokenStoreUnavailableException">A PostgreSQL store cannot be read.</exception>
    IssuedToken? Find(string bearer);
}
