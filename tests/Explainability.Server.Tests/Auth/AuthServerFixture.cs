using Explainability.Protos;
using Explainability.Server.Auth;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests.Auth;

/// <summary>
/// The real server with a token store made at test time (no token is in the repository): tokens for an auditor (every
/// model and audience, ledger read), for a loan application (credit-risk only, customer and data-scientist views, no
/// ledger read), and one revoked. Every log entry the server writes is captured.
/// </summary>
public sealed class AuthServerFixture : IAsyncLifetime
{
    public const string Auditor = "audit-desk";

    public const string LoanApp = "loan-app";

    public const string Retired = "retired-app";

    public ModelRegistry Registry { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public Explainer.ExplainerClient Client { get; private set; } = null!;

    public TokenStore Store { get; private set; } = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    public int ViewerPort { get; private set; }

    /// <summary>Every token text issued by the fixture and the tests, to look for in the logs.</summary>
    public List<string> IssuedTokens { get; } = [];

    public string AuditorToken { get; private set; } = "";

    public string LoanAppToken { get; private set; } = "";

    public string RetiredToken { get; private set; } = "";

    private string _folder = "";

    public async Task InitializeAsync()
    {
        string ledger = ServerFixture.NewLedgerPath();
        _folder = Path.GetDirectoryName(ledger)!;
        Store = TokenStore.Open(Path.Combine(_folder, "tokens.db"), create: true);
        AuditorToken = Issue(Auditor, TokenScope.Unrestricted);
        LoanAppToken = Issue(LoanApp, TokenScope.Parse("credit-risk", "customer,data-scientist", ledgerRead: false));
        RetiredToken = Issue(Retired, TokenScope.Unrestricted);
        Store.Revoke(Retired, null);

        Registry = ModelRegistry.LoadDirectory(ServerFixture.ModelsDirectory);
        App = ExplainabilityServer.Build(Registry, 0, new ExplainabilityServerOptions
        {
            MinimumLogLevel = LogLevel.Information,
            LedgerPath = ledger,
            ViewerPort = 0,
            TokenStorePath = Store.Location,
        });
        App.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
        await App.StartAsync();
        ViewerPort = ExplainabilityServer.BoundViewerPort(App);
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ExplainabilityServer.BoundPort(App)}");
        Client = new Explainer.ExplainerClient(Channel);
    }

    /// <summary>Issues a token in the server's store and remembers its text.</summary>
    public string Issue(string client, TokenScope scope)
    {
        string bearer = Store.Issue(client, scope).Bearer;
        lock (IssuedTokens)
        {
            IssuedTokens.Add(bearer);
        }

        return bearer;
    }

    /// <summary>Call options carrying <paramref name="token"/> as a bearer token (none when null).</summary>
    public static CallOptions With(string? token, string? clientHeader = null)
    {
        var headers = new Metadata();
        if (token is not null)
        {
            headers.Add("authorization", "Bearer " + token);
        }

        if (clientHeader is not null)
        {
            headers.Add("client", clientHeader);
        }

        return new CallOptions(headers);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Registry.Dispose();
        ServerFixture.DeleteFolder(_folder);
    }
}

[CollectionDefinition(Name)]
public sealed class AuthServerGroup : ICollectionFixture<AuthServerFixture>
{
    public const string Name = "auth-server";
}
