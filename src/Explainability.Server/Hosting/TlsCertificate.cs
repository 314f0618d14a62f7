using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Explainability.Server.Hosting;

/// <summary>Reads the server's TLS certificate with its private key: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>), or a PEM
/// certificate with a PEM private key.</summary>
public static class TlsCertificate
{
    /// <summary>Loads the certificate at <paramref name="certificatePath"/>.</summary>
    /// <param name="certificatePath">A PKCS#12 file, or a PEM certificate (then <paramref name="keyPath"/> is required).</param>
    /// <param name="keyPath">The PEM private key of a PEM certificate, or null for a PKCS#12 file.</param>
    /// <param name="password">The PKCS#12 file's password, or the PEM key's when it is encrypted; null for none.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be read as a certificate with a private key (wrong password,
    /// not PKCS#12 or PEM, no key); the message names the file.</exception>
    public static X509Certificate2 Load(string certificatePath, string? keyPath, string? password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePath);
        foreach (string path in keyPath is null ? [certificatePath] : new[] { certificatePath, keyPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"TLS file {Path.GetFullPath(path)} does not exist", path);
            }
        }

        X509Certificate2 certificate;
        try
        {
            certificate = keyPath is null
                ? X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password)
                : password is null
                    ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);
        }
        catch (CryptographicException e)
        {
            string what = keyPath is null
                ? "a PKCS#12 (.pfx) file with this password; a PEM certificate needs its key file too"
                : "a PEM certificate with the PEM private key " + Path.GetFullPath(keyPath);
            throw new InvalidDataException($"TLS certificate {Path.GetFullPath(certificatePath)} cannot be read as {what}: {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidDataException($"TLS certificate {Path.GetFullPath(certificatePath)} has no private key");
        }

        return certificate;
    }
}
