using System.Net;
using System.Net.Http.Headers;
using Explainability.Protos;
using Explainability.Server.Auth;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests.Auth;

/// <summary>Bearer tokens and their scopes on the gRPC service and the HTML viewer.</summary>
[Collection(AuthServerGroup.Name)]
public sealed class AuthTests(AuthServerFixture server)
{
    private Explainer.ExplainerClient Client => server.Client;

    [Fact]
    public async Task No_token_is_Unauthenticated_on_every_rpc()
    {
        var list = await Assert.ThrowsAsync<RpcException>(() => Client.ListModelsAsync(new ListModelsRequest()).ResponseAsync);
        var explain = await Assert.ThrowsAsync<RpcException>(() => Client.ExplainAsync(Request("credit-risk")).ResponseAsync);
        var get = await Assert.ThrowsAsync<RpcException>(() => Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = new string('0', 32) }).ResponseAsync);

        Assert.All([list, explain, get], e => Assert.Equal(StatusCode.Unauthenticated, e.StatusCode));
        Assert.Contains("no authorization header", explain.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>The token is checked from the headers before the body is read: bytes that are no message, and a message of
    /// 20 MB, both get Unauthenticated without a token (not InvalidArgument from decoding them), and a caller with a token
    /// still gets a message of 31 MB decoded and validated (over Kestrel's default 30,000,000-byte body limit, which was an
    /// UNKNOWN status before).</summary>
    [Fact]
    public async Task Without_a_token_the_body_is_not_read_and_with_one_a_31_MB_message_is_validated()
    {
        int port = Explainability.Server.Hosting.ExplainabilityServer.BoundPort(server.App);
        var (garbage, garbageMessage) = await RawFrameTests.Send(port, "/explainability.v1.Explainer/Explain", RawFrameTests.Frame("garbage-protobuf"));
        Assert.Equal((StatusCode.Unauthenticated, "the call has no authorization header; send 'authorization: Bearer <token>' with a token issued by 'tokens issue'"), (garbage, garbageMessage));

        var big = new ExplainRequest { ModelId = "credit-risk" };
        big.Rows.Add(new Row { Values = { ["purpose"] = new FeatureValue { Text = new string('x', 20_000_000) } } });
        var (bigStatus, _) = await RawFrameTests.Send(port, "/explainability.v1.Explainer/Explain", [0, .. BigEndian(big.CalculateSize()), .. big.ToByteArray()]);
        Assert.Equal(StatusCode.Unauthenticated, bigStatus);

        var huge = new ExplainRequest { ModelId = "credit-risk" };
        huge.Rows.Add(new Row { Values = { ["purpose"] = new FeatureValue { Text = new string('x', 31_000_000) } } });
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ExplainAsync(huge, AuthServerFixture.With(server.LoanAppToken)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    private static byte[] BigEndian(int length)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        return bytes;
    }

    [Fact]
    public async Task An_unknown_or_malformed_token_is_Unauthenticated()
    {
        string unknown = BearerToken.Create(BearerToken.NewId());
        // Right id, wrong secret: the hash comparison refuses it.
        string forged = server.LoanAppToken[..^4] + "AAAA";

        foreach (string token in new[] { unknown, forged, "not-a-token", "" })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => Client.ListModelsAsync(new ListModelsRequest(), AuthServerFixture.With(token)).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        }

        var basic = new Metadata { { "authorization", "Basic dXNlcjpwYXNz" } };
        var scheme = await Assert.ThrowsAsync<RpcException>(() => Client.ListModelsAsync(new ListModelsRequest(), basic).ResponseAsync);
        Assert.Equal((StatusCode.Unauthenticated, "the authorization header is not a bearer token; expected 'Bearer <token>'"), (scheme.StatusCode, scheme.Status.Detail));
    }

    [Fact]
    public async Task A_revoked_token_is_Unauthenticated_and_a_revocation_applies_to_the_running_server_at_once()
    {
        var retired = await Assert.ThrowsAsync<RpcException>(() => Client.ListModelsAsync(new ListModelsRequest(), AuthServerFixture.With(server.RetiredToken)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, retired.StatusCode);
        Assert.Contains($"of client '{AuthServerFixture.Retired}' was revoked at", retired.Status.Detail, StringComparison.Ordinal);

        string token = server.Issue("short-lived", TokenScope.Unrestricted);
        Assert.Equal(2, (await Client.ListModelsAsync(new ListModelsRequest(), AuthServerFixture.With(token))).Models.Count);
        server.Store.Revoke(null, BearerToken.IdOf(token));
        var revoked = await Assert.ThrowsAsync<RpcException>(() => Client.ListModelsAsync(new ListModelsRequest(), AuthServerFixture.With(token)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
    }

    /// <summary>Health probes carry no token; the health service answers them, and nothing else does.</summary>
    [Fact]
    public async Task Health_checking_answers_without_a_token_while_everything_else_needs_one()
    {
        var health = new global::Grpc.Health.V1.Health.HealthClient(server.Channel);

        var status = await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest());
        var named = await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest { Service = "explainability.v1.Explainer" });
        var list = await Assert.ThrowsAsync<RpcException>(() => Client.ListModelsAsync(new ListModelsRequest()).ResponseAsync);

        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, status.Status);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, named.Status);
        Assert.Equal(StatusCode.Unauthenticated, list.StatusCode);
    }

    [Fact]
    public async Task A_token_for_another_model_is_PermissionDenied_naming_the_model()
    {
        var options = AuthServerFixture.With(server.LoanAppToken);

        var explain = await Assert.ThrowsAsync<RpcException>(() => Client.ExplainAsync(Request("card-fraud"), options).ResponseAsync);
        var model = await Assert.ThrowsAsync<RpcException>(() => Client.GetModelAsync(new GetModelRequest { ModelId = "card-fraud" }, options).ResponseAsync);
        // An id that does not exist is refused the same way, so a scoped token cannot probe which models there are.
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.GetModelAsync(new GetModelRequest { ModelId = "mortgage" }, options).ResponseAsync);
        var compare = await Assert.ThrowsAsync<RpcException>(() => Client.CompareAsync(new CompareRequest { ModelId = "card-fraud", Methods = { "interventional", "exact" } }, options).ResponseAsync);
        var summarize = await Assert.ThrowsAsync<RpcException>(() => Client.SummarizeAsync(new SummarizeRequest { ModelId = "card-fraud" }, options).ResponseAsync);
        var drift = await Assert.ThrowsAsync<RpcException>(() => Client.DriftAsync(new DriftRequest { ModelId = "card-fraud" }, options).ResponseAsync);

        Assert.All([explain, model, unknown, compare, summarize, drift], e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Equal("client 'loan-app' may not use model 'card-fraud'; its token allows the models credit-risk", explain.Status.Detail);
        Assert.Equal("credit-risk", (await Client.GetModelAsync(new GetModelRequest { ModelId = "credit-risk" }, options)).Id);
    }

    [Fact]
    public async Task An_audience_outside_the_scope_is_PermissionDenied_naming_the_audience()
    {
        var request = Request("credit-risk");
        request.Audiences.Add("customer");
        request.Audiences.Add("fraud-analyst");

        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ExplainAsync(request, AuthServerFixture.With(server.LoanAppToken)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal("client 'loan-app' may not request the audience 'fraud-analyst'; its token allows the audiences customer,data-scientist", e.Status.Detail);
    }

    /// <summary>A misspelt audience is the request's fault: InvalidArgument naming it, for a scoped token as without one.</summary>
    [Fact]
    public async Task An_unknown_audience_is_InvalidArgument_even_for_a_scoped_token()
    {
        var request = Request("credit-risk");
        request.Audiences.Add("ceo");

        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ExplainAsync(request, AuthServerFixture.With(server.LoanAppToken)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("unknown audience 'ceo'; expected one of: data-scientist, business-manager, fraud-analyst, customer", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_for_an_audience_outside_the_scope_is_PermissionDenied_for_Summarize_and_Drift()
    {
        var options = AuthServerFixture.With(server.LoanAppToken);

        var summarize = await Assert.ThrowsAsync<RpcException>(() => Client.SummarizeAsync(new SummarizeRequest { ModelId = "credit-risk", Audience = "business-manager" }, options).ResponseAsync);
        var drift = await Assert.ThrowsAsync<RpcException>(() => Client.DriftAsync(new DriftRequest { ModelId = "credit-risk", Audience = "business-manager" }, options).ResponseAsync);

        Assert.All([summarize, drift], e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Contains("may not request the audience 'business-manager'", drift.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_ledger_right_cannot_GetExplanation_or_Render()
    {
        var loanApp = AuthServerFixture.With(server.LoanAppToken);
        string id = (await Client.ExplainAsync(Request("credit-risk"), loanApp)).Rows[0].ExplanationId;

        var get = await Assert.ThrowsAsync<RpcException>(() => Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id }, loanApp).ResponseAsync);
        var render = await Assert.ThrowsAsync<RpcException>(() => Client.RenderAsync(new RenderRequest { ExplanationId = id, Audience = "customer" }, loanApp).ResponseAsync);

        Assert.All([get, render], e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Equal("client 'loan-app' may not read the ledger (GetExplanation); its token has no ledger-read right (tokens issue --ledger-read)", get.Status.Detail);
        var auditor = AuthServerFixture.With(server.AuditorToken);
        Assert.Equal(id, (await Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id }, auditor)).Explanation.ExplanationId);
        var rendered = await Client.RenderAsync(new RenderRequest { ExplanationId = id, Audience = "fraud-analyst" }, auditor);
        Assert.Equal("fraud-analyst", rendered.View.Audience);
        Assert.Equal(AuthServerFixture.Auditor, (await Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id }, auditor)).Views.Last().Client);
    }

    [Fact]
    public async Task A_report_is_recorded_with_its_client_and_only_a_ledger_reader_may_GetReport()
    {
        var loanApp = AuthServerFixture.With(server.LoanAppToken);
        var request = new SummarizeRequest { ModelId = "credit-risk", Audience = "data-scientist", Format = "md" };
        request.Rows.Add(Request("credit-risk").Rows);
        string id = (await Client.SummarizeAsync(request, loanApp)).ReportId;

        var get = await Assert.ThrowsAsync<RpcException>(() => Client.GetReportAsync(new GetReportRequest { ReportId = id }, loanApp).ResponseAsync);
        var report = await Client.GetReportAsync(new GetReportRequest { ReportId = id }, AuthServerFixture.With(server.AuditorToken));

        Assert.Equal(StatusCode.PermissionDenied, get.StatusCode);
        Assert.Equal("client 'loan-app' may not read the ledger (GetReport); its token has no ledger-read right (tokens issue --ledger-read)", get.Status.Detail);
        Assert.Equal((id, AuthServerFixture.LoanApp, "Summarize"), (report.ReportId, report.Client, report.ServedBy));
    }

    [Fact]
    public async Task A_ledger_reader_is_still_held_to_its_models()
    {
        string id = (await Client.ExplainAsync(Request("card-fraud"), AuthServerFixture.With(server.AuditorToken))).Rows[0].ExplanationId;
        string reader = server.Issue("credit-auditor", TokenScope.Parse("credit-risk", null, ledgerRead: true));

        var e = await Assert.ThrowsAsync<RpcException>(() => Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id }, AuthServerFixture.With(reader)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("may not use model 'card-fraud'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_token_is_served_and_the_ledger_records_its_client_whatever_client_header_is_sent()
    {
        var request = Request("credit-risk");
        request.Audiences.Add("customer");

        var response = await Client.ExplainAsync(request, AuthServerFixture.With(server.LoanAppToken, clientHeader: "someone-else"));

        var recorded = await Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = response.Rows[0].ExplanationId }, AuthServerFixture.With(server.AuditorToken));
        Assert.Equal(AuthServerFixture.LoanApp, recorded.Explanation.Client);
        Assert.Equal(AuthServerFixture.LoanApp, recorded.Views.Single().Client);
    }

    [Fact]
    public async Task ListModels_returns_only_the_models_in_scope()
    {
        var scoped = await Client.ListModelsAsync(new ListModelsRequest(), AuthServerFixture.With(server.LoanAppToken));
        var all = await Client.ListModelsAsync(new ListModelsRequest(), AuthServerFixture.With(server.AuditorToken));

        Assert.Equal(["credit-risk"], scoped.Models.Select(m => m.Id));
        Assert.Equal(["card-fraud", "credit-risk"], all.Models.Select(m => m.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_stream_is_held_to_the_scope_request_by_request()
    {
        using var call = Client.ExplainStream(AuthServerFixture.With(server.LoanAppToken));
        await call.RequestStream.WriteAsync(Request("credit-risk"));
        await call.RequestStream.WriteAsync(Request("card-fraud"));
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("credit-risk", call.ResponseStream.Current.ModelId);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.StartsWith("request 1: client 'loan-app' may not use model 'card-fraud'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_viewer_needs_a_token_with_ledger_right_and_shows_only_models_in_scope()
    {
        string fraud = (await Client.ExplainAsync(Request("card-fraud"), AuthServerFixture.With(server.AuditorToken))).Rows[0].ExplanationId;
        string credit = (await Client.ExplainAsync(Request("credit-risk"), AuthServerFixture.With(server.AuditorToken))).Rows[0].ExplanationId;
        string reader = server.Issue("credit-analyst", TokenScope.Parse("credit-risk", "customer", ledgerRead: true));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };

        using var anonymous = await http.GetAsync("/explanations");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        using var badLimit = await http.GetAsync("/explanations?limit=0");
        Assert.Equal(HttpStatusCode.Unauthorized, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(http, "/explanations", server.LoanAppToken)).StatusCode);

        using var list = await Get(http, "/explanations?limit=1000", reader);
        string html = await list.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(credit, html, StringComparison.Ordinal);
        Assert.DoesNotContain(fraud, html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Get(http, $"/explanations/{credit}/customer", reader)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(http, $"/explanations/{credit}/data-scientist", reader)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(http, $"/explanations/{fraud}/customer", reader)).StatusCode);
        var views = (await Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = credit }, AuthServerFixture.With(server.AuditorToken))).Views;
        Assert.Equal(("Viewer", "credit-analyst"), (views.Last().ServedBy, views.Last().Client));
    }

    [Fact]
    public async Task Refusals_are_logged_with_client_and_rpc_and_no_token_is_ever_logged()
    {
        await Assert.ThrowsAsync<RpcException>(() => Client.ExplainAsync(Request("card-fraud"), AuthServerFixture.With(server.LoanAppToken)).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => Client.ListModelsAsync(new ListModelsRequest(), AuthServerFixture.With(server.RetiredToken)).ResponseAsync);
        string unknown = BearerToken.Create(BearerToken.NewId());
        await Assert.ThrowsAsync<RpcException>(() => Client.ListModelsAsync(new ListModelsRequest(), AuthServerFixture.With(unknown)).ResponseAsync);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.ViewerPort}") };
        await Get(http, "/explanations", server.LoanAppToken);
        await Get(http, "/explanations", unknown);

        var entries = server.Logs.Entries;
        var refusals = entries.Where(e => e.Values.ContainsKey("Client")).ToList();
        Assert.Contains(refusals, e => e.Level == LogLevel.Warning && e.Values["Client"] == "loan-app"
            && e.Values["Method"] == "/explainability.v1.Explainer/Explain" && e.Message.Contains("may not use model 'card-fraud'", StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.Values["Client"] == AuthServerFixture.Retired && e.Values["StatusCode"] == "Unauthenticated");
        Assert.Contains(refusals, e => e.Values["Client"] == CallerAccess.UnknownClient && e.Values["Method"] == "/explainability.v1.Explainer/ListModels");
        Assert.Contains(refusals, e => e.Values["Client"] == "loan-app" && e.Values.GetValueOrDefault("Path") == "/explanations" && e.Values["HttpStatus"] == "403");
        Assert.Contains(refusals, e => e.Values["Client"] == CallerAccess.UnknownClient && e.Values.GetValueOrDefault("Path") == "/explanations");
        string[] tokens;
        lock (server.IssuedTokens)
        {
            tokens = [.. server.IssuedTokens, unknown];
        }

        foreach (var entry in entries)
        {
            foreach (string token in tokens)
            {
                // Not the token, and not its secret part either.
                Assert.DoesNotContain(token[(BearerToken.Prefix.Length + BearerToken.IdLength + 1)..], entry.AllText, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>One background row of the model.</summary>
    private ExplainRequest Request(string modelId)
    {
        var model = server.Registry.Get(modelId);
        var request = new ExplainRequest { ModelId = modelId };
        request.Rows.Add(Grpc.RowConverter.FromTable(model.Background!, 0, model.Card));
        return request;
    }

    private static Task<HttpResponseMessage> Get(HttpClient http, string path, string token)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, path);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(message);
    }
}
