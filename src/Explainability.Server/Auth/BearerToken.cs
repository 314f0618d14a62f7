using System.Security.Cryptography;
using System.Text;

namespace Explainability.Server.Auth;

/// <summary>
/// The token text: <c>xpl_</c>, the 12-hex-digit public id, <c>_</c>, and 256 random bits in base64url (43 characters).
/// The id finds the stored record; the whole text's SHA-256 is compared with the stored hash in constant time. A 256-bit
/// random secret needs no slow password hash: guessing it is hopeless whatever the hash costs.
/// </summary>
public static class BearerToken
{
    /// <summary>The prefix of every token, so a leaked one is recognizable by secret scanners.</summary>
    public const string Prefix = "xpl_";

    /// <summary>Hex digits of the public id.</summary>
    public const int IdLength = 12;

    /// <summary>Characters of the base64url secret (32 bytes).</summary>
    public const int SecretLength = 43;

    /// <summary>Length of the whole token text.</summary>
    public const int Length = 4 + IdLength + 1 + SecretLength;

    /// <summary>A new random public id.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));

    /// <summary>A new token text for the public id <paramref name="id"/>.</summary>
    public static string Create(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        string secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Prefix}{id}_{secret}";
    }

    /// <summary>The public id in <paramref name="text"/>, or null when the text does not have the token's shape.</summary>
    public static string? IdOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != Length || !text.StartsWith(Prefix, StringComparison.Ordinal) || text[Prefix.Length + IdLength] != '_')
        {
            return null;
        }

        string id = text.Substring(Prefix.Length, IdLength);
        return id.All(char.IsAsciiHexDigitLower) ? id : null;
    }

    /// <summary>SHA-256 of the token text's UTF-8 bytes: what the store keeps instead of the token.</summary>
    public static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    /// <summary>Whether <paramref name="text"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public static bool Matches(string text, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(text), storedHash);
}
