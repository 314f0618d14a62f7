namespace Explainability.Server.Auth;

/// <summary>A token just issued: its record and the bearer text, which exists only here (the store keeps its SHA-256).</summary>
/// <param name="Token">The stored record.</param>
/// <param name="Bearer">The token text the client sends as <c>authorization: Bearer &lt;text&gt;</c>; shown once.</param>
public sealed record NewToken(IssuedToken Token, string Bearer);
