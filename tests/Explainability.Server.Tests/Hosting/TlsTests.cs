using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Explainability.Protos;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests.Hosting;

/// <summary>HTTPS on the gRPC port with a certificate made at test time (no key or certificate is in the repository).</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task A_call_over_TLS_trusting_only_the_servers_self_signed_certificate_succeeds_and_plain_http_to_the_port_fails()
    {
        using var made = SelfSigned();
        string folder = Path.GetDirectoryName(ServerFixture.NewLedgerPath())!;
        string pfx = Path.Combine(folder, "server.pfx");
        // A password-protected PKCS#12 file read back the way `serve --tls-cert` reads it.
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await File.WriteAllBytesAsync(pfx, made.Export(X509ContentType.Pfx, password));
        using var certificate = TlsCertificate.Load(pfx, keyPath: null, password);
        using var registry = ModelRegistry.LoadDirectory(ServerFixture.ModelsDirectory);
        var (app, port) = await ServerFixture.StartAsync(registry, new ExplainabilityServerOptions { MinimumLogLevel = LogLevel.Warning, TlsCertificate = certificate });
        try
        {
            using var trusting = new SocketsHttpHandler();
            trusting.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(made.RawData);
            using var tls = GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = trusting });
            var models = await new Explainer.ExplainerClient(tls).ListModelsAsync(new ListModelsRequest());
            Assert.Equal(2, models.Models.Count);

            using var plain = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var refused = await Assert.ThrowsAsync<RpcException>(() => new Explainer.ExplainerClient(plain).ListModelsAsync(new ListModelsRequest()).ResponseAsync);
            Assert.NotEqual(StatusCode.OK, refused.StatusCode);

            // The system's trust store does not know the certificate: a default client refuses the server.
            using var untrusting = GrpcChannel.ForAddress($"https://127.0.0.1:{port}");
            await Assert.ThrowsAsync<RpcException>(() => new Explainer.ExplainerClient(untrusting).ListModelsAsync(new ListModelsRequest()).ResponseAsync);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            ServerFixture.DeleteFolder(folder);
        }
    }

    [Fact]
    public void A_wrong_password_or_a_missing_file_is_refused_naming_the_file()
    {
        using var made = SelfSigned();
        string folder = Path.GetDirectoryName(ServerFixture.NewLedgerPath())!;
        string pfx = Path.Combine(folder, "server.pfx");
        File.WriteAllBytes(pfx, made.Export(X509ContentType.Pfx, "right"));

        var wrong = Assert.Throws<InvalidDataException>(() => TlsCertificate.Load(pfx, keyPath: null, "wrong"));
        Assert.Contains(pfx, wrong.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => TlsCertificate.Load(Path.Combine(folder, "absent.pfx"), keyPath: null, null));
        ServerFixture.DeleteFolder(folder);
    }

    [Fact]
    public void A_PEM_certificate_is_read_with_its_key_file()
    {
        using var made = SelfSigned();
        string folder = Path.GetDirectoryName(ServerFixture.NewLedgerPath())!;
        string cert = Path.Combine(folder, "server.crt"), key = Path.Combine(folder, "server.key");
        File.WriteAllText(cert, made.ExportCertificatePem());
        File.WriteAllText(key, made.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        using var loaded = TlsCertificate.Load(cert, key, password: null);

        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(made.Thumbprint, loaded.Thumbprint);
        var keyless = Assert.Throws<InvalidDataException>(() => TlsCertificate.Load(cert, keyPath: null, null));
        Assert.Contains("a PEM certificate needs its key file too", keyless.Message, StringComparison.Ordinal);
        ServerFixture.DeleteFolder(folder);
    }

    [Fact]
    public void A_non_loopback_address_without_a_token_store_needs_an_explicit_choice()
    {
        var open = new ExplainabilityServerOptions { Address = IPAddress.Any };

        var e = Assert.Throws<ArgumentException>(() => open.Validated());
        Assert.StartsWith("listening on 0.0.0.0, which is not a loopback address, without a token store", e.Message, StringComparison.Ordinal);
        var allowed = open with { AllowUnauthenticated = true };
        Assert.Same(allowed, allowed.Validated());
        Assert.Throws<ArgumentException>(() => (open with { TokenStorePath = "tokens.db", AllowUnauthenticated = true }).Validated());
        const string Postgres = "Host=db;Database=explainability";
        var shared = open with { TokenStorePostgres = Postgres };
        Assert.Same(shared, shared.Validated());
        Assert.Throws<ArgumentException>(() => (shared with { AllowUnauthenticated = true }).Validated());
        var both = Assert.Throws<ArgumentException>(() => (shared with { TokenStorePath = "tokens.db" }).Validated());
        Assert.Equal("--tokens (a SQLite file) and --tokens-postgres (a PostgreSQL database) exclude each other: give one", both.Message);
    }

    /// <summary>A server certificate for 127.0.0.1 and localhost, valid for a day, signed by its own key.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=explainability-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
