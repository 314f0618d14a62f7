using System.Globalization;
using Explainability.Protos;
using Explainability.Server.Hosting;
using Explainability.Server.Ledger;
using Explainability.Server.Models;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests;

[Collection(ServerTestGroup.Name)]
public sealed class LedgerTests(ServerFixture server)
{
    private static readonly Metadata LoanSystem = new() { { "client", "loan-system" } };

    [Fact]
    public async Task Explain_returns_one_id_per_row_and_GetExplanation_returns_the_recorded_explanation_input_views_client_and_time()
    {
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "kernel", Nsamples = 200, Seed = 7 };
        request.Rows.Add(server.BackgroundRows("credit-risk", [3, 4]));
        request.Audiences.Add(["data-scientist", "customer"]);
        var before = DateTimeOffset.UtcNow;

        var response = await server.Client.ExplainAsync(request, LoanSystem);

        var after = DateTimeOffset.UtcNow;
        var model = server.Registry.Get("credit-risk");
        var ids = response.Rows.Select(r => r.ExplanationId).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        for (int r = 0; r < 2; r++)
        {
            var served = response.Rows[r];
            var got = await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = served.ExplanationId });
            var recorded = got.Explanation;
            Assert.Equal(served.ExplanationId, recorded.ExplanationId);
            Assert.Equal(("credit-risk", model.Version, model.Sha256), (recorded.ModelId, recorded.ModelVersion, recorded.ModelSha256));
            Assert.Equal(("kernel", "margin", "logistic"), (recorded.Method, recorded.OutputSpace, recorded.Link));
            Assert.Equal("7", recorded.Parameters["seed"]);
            Assert.Equal("200", recorded.Parameters["nsamples"]);
            Assert.Equal(response.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal), recorded.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal));
            Assert.Equal("loan-system", recorded.Client);
            Assert.StartsWith("ipv4:127.0.0.1:", recorded.Peer, StringComparison.Ordinal);
            var at = DateTimeOffset.Parse(recorded.RecordedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.InRange(at, before.AddMilliseconds(-1), after.AddMilliseconds(1));
            Assert.EndsWith("Z", recorded.RecordedAt, StringComparison.Ordinal);

            // The numbers served, bit for bit; standard errors are recorded although the caller did not ask for them.
            var full = recorded.Explanation;
            Assert.Equal(r, full.Row);
            Assert.Equal(served.BaseValues, full.BaseValues);
            Assert.Equal(served.ModelOutputs, full.ModelOutputs);
            Assert.Equal(served.AdditivityResiduals, full.AdditivityResiduals);
            Assert.Equal(served.Attributions.Select(a => (a.Feature, a.Phi[0])), full.Attributions.Select(a => (a.Feature, a.Phi[0])));
            Assert.All(served.Attributions, a => Assert.Empty(a.StandardErrors));
            Assert.All(full.Attributions, a => Assert.Single(a.StandardErrors));
            Assert.Contains(full.Attributions, a => a.StandardErrors[0] > 0);
            Assert.Empty(full.Views);
            Assert.Equal(request.Rows[r], recorded.Input);

            // The views as served, with the complete omission record naming the features the customer may not see.
            Assert.Equal(["data-scientist", "customer"], got.Views.Select(v => v.View.Audience));
            Assert.All(got.Views, v => Assert.Equal(("Explain", "loan-system", served.ExplanationId), (v.ServedBy, v.Client, v.ExplanationId)));
            Assert.True(got.Views[0].Sequence < got.Views[1].Sequence);
            for (int v = 0; v < 2; v++)
            {
                Assert.Equal(served.Views[v], got.Views[v].View);
            }

            string[] hidden = [.. model.Card.Features.Where(f => f["protected"] || f["internal"]).Select(f => f.Name)];
            Assert.NotEmpty(hidden);
            var servedHidden = got.Views[1].View.Omissions.Single(e => e.Kind == "hidden-tagged");
            var fullHidden = got.Views[1].FullOmissions.Entries.Single(e => e.Kind == "hidden-tagged");
            Assert.Empty(servedHidden.Features.Intersect(hidden));
            Assert.Equal(hidden.Order(StringComparer.Ordinal), fullHidden.Features.Order(StringComparer.Ordinal));
            Assert.Equal(servedHidden.WithheldFeatureCount, fullHidden.Features.Count);
            Assert.Equal(servedHidden.Loss, fullHidden.Loss);
        }
    }

    [Fact]
    public async Task GetExplanation_returns_the_stored_record_bytes_and_the_same_bytes_on_every_call()
    {
        string id = await ExplainOne(server.Client, "card-fraud", 5, "fraud-analyst");

        var first = await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id });
        var second = await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id });

        Assert.Equal(first.ToByteArray(), second.ToByteArray());
        Assert.Equal(StoredRecord(server.LedgerPath, id), first.Explanation.ToByteArray());
    }

    [Fact]
    public async Task Render_rebuilds_the_served_view_exactly_and_records_views_for_other_audiences_and_languages()
    {
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [7]));
        request.Audiences.Add(["customer", "data-scientist"]);
        var served = (await server.Client.ExplainAsync(request)).Rows[0];
        string id = served.ExplanationId;

        // Same audience, language and format: the text the customer was sent, rebuilt from the record alone.
        var again = await server.Client.RenderAsync(new RenderRequest { ExplanationId = id, Audience = "customer" }, LoanSystem);
        Assert.Equal(served.Views[0].Rendered, again.View.Rendered);
        Assert.Equal(served.Views[0], again.View);
        var ds = await server.Client.RenderAsync(new RenderRequest { ExplanationId = id, Audience = "data-scientist", Format = "text" });
        Assert.Equal(served.Views[1].Rendered, ds.View.Rendered);

        // Another audience, in Markdown.
        var manager = await server.Client.RenderAsync(new RenderRequest { ExplanationId = id, Audience = "business-manager", Format = "md" });
        Assert.Equal(("business-manager", "md", "en"), (manager.View.Audience, manager.View.Format, manager.View.Language));
        Assert.StartsWith("#", manager.View.Rendered, StringComparison.Ordinal);

        // Dutch: the data scientist has no Dutch template, so the view is English throughout (names too), recorded as "en".
        var card = server.Registry.Get("credit-risk").Card;
        var top = served.Attributions.MaxBy(a => Math.Abs(a.Phi[0]))!;
        var topCard = card.Features.Single(f => f.Name == top.Feature);
        var dutch = await server.Client.RenderAsync(new RenderRequest { ExplanationId = id, Audience = "data-scientist", Language = "nl" });
        Assert.Equal("en", dutch.View.Language);
        Assert.Contains(topCard.DisplayName["en"], dutch.View.Rendered, StringComparison.Ordinal);
        Assert.DoesNotContain(topCard.DisplayName["nl"], dutch.View.Rendered, StringComparison.Ordinal);

        var got = await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id });
        Assert.Equal(
            [("customer", "Explain"), ("data-scientist", "Explain"), ("customer", "Render"), ("data-scientist", "Render"), ("business-manager", "Render"), ("data-scientist", "Render")],
            got.Views.Select(v => (v.View.Audience, v.ServedBy)));
        Assert.Equal([again.Sequence, ds.Sequence, manager.Sequence, dutch.Sequence], got.Views.Skip(2).Select(v => v.Sequence));
        Assert.Equal(("loan-system", "anonymous"), (got.Views[2].Client, got.Views[3].Client));
        Assert.Equal(dutch.View, got.Views[5].View);
        Assert.Equal("en", got.Views[5].View.Language);
    }

    [Theory]
    [InlineData("", StatusCode.InvalidArgument, "is malformed")]
    [InlineData("not-an-id", StatusCode.InvalidArgument, "'not-an-id' is malformed")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", StatusCode.InvalidArgument, "32 lowercase hex digits")]
    [InlineData("0123456789abcdef0123456789abcdef", StatusCode.NotFound, "no explanation '0123456789abcdef0123456789abcdef'")]
    public async Task GetExplanation_and_Render_refuse_malformed_and_unknown_ids(string id, StatusCode code, string mention)
    {
        var get = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id }).ResponseAsync);
        var render = await Assert.ThrowsAsync<RpcException>(
            () => server.Client.RenderAsync(new RenderRequest { ExplanationId = id, Audience = "customer" }).ResponseAsync);

        foreach (var e in new[] { get, render })
        {
            Assert.Equal(code, e.StatusCode);
            Assert.Contains(mention, e.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", "text", "", "audience is required")]
    [InlineData("regulator", "text", "", "unknown audience 'regulator'")]
    [InlineData("customer", "pdf", "", "unknown format 'pdf'")]
    [InlineData("customer", "text", "../x", "not a language code")]
    public async Task Render_refuses_a_bad_audience_format_or_language_and_records_nothing(string audience, string format, string language, string mention)
    {
        string id = await ExplainOne(server.Client, "credit-risk", 1, "customer");
        int views = (await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id })).Views.Count;

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.RenderAsync(
            new RenderRequest { ExplanationId = id, Audience = audience, Format = format, Language = language }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(mention, e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(views, (await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id })).Views.Count);
    }

    [Fact]
    public async Task A_failing_Explain_records_nothing_and_the_ledger_keeps_serving()
    {
        long before = CountExplanations(server.LedgerPath);
        var bad = new ExplainRequest { ModelId = "credit-risk" };
        bad.Rows.Add(server.BackgroundRows("credit-risk", [0, 1]));
        bad.Rows[1].Values["duration"] = new Protos.FeatureValue { Text = "long" };
        bad.Audiences.Add("customer");

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.ExplainAsync(bad).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(before, CountExplanations(server.LedgerPath));
        string id = await ExplainOne(server.Client, "credit-risk", 0, "customer");
        Assert.Equal(before + 1, CountExplanations(server.LedgerPath));
        Assert.Equal(id, (await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id })).Explanation.ExplanationId);
    }

    [Fact]
    public async Task Explain_fails_Unavailable_when_the_ledger_cannot_record_and_serves_again_once_it_can()
    {
        string path = ServerFixture.NewLedgerPath();
        var (app, port) = await ServerFixture.StartAsync(server.Registry, new ExplainabilityServerOptions
        {
            MinimumLogLevel = LogLevel.Critical,
            LedgerPath = path,
            LedgerBusyTimeout = TimeSpan.FromSeconds(1),
        });
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var client = new Explainer.ExplainerClient(channel);

            // Another process holds the write lock, so nothing can be recorded.
            using (var blocker = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                blocker.Open();
                using var hold = blocker.BeginTransaction(deferred: false);
                using (var write = blocker.CreateCommand())
                {
                    write.Transaction = hold;
                    write.CommandText = "INSERT INTO schema_version (version) VALUES (1); DELETE FROM schema_version WHERE rowid = last_insert_rowid();";
                    write.ExecuteNonQuery();
                }

                var e = await Assert.ThrowsAsync<RpcException>(() => ExplainOne(client, "credit-risk", 2, "customer"));
                Assert.Equal(StatusCode.Unavailable, e.StatusCode);
                Assert.Contains("the ledger could not record the call, so it was not answered", e.Status.Detail, StringComparison.Ordinal);
                Assert.Contains("locked", e.Status.Detail, StringComparison.Ordinal);
                hold.Rollback();
            }

            Assert.Equal(0, CountExplanations(path));
            string id = await ExplainOne(client, "credit-risk", 2, "customer");
            Assert.Equal(1, CountExplanations(path));
            Assert.Single((await client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id })).Views);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            ServerFixture.DeleteFolder(Path.GetDirectoryName(path)!);
        }
    }

    [Fact]
    public async Task Render_needs_the_model_version_of_the_record_and_says_which_when_it_is_not_loaded()
    {
        string id = await ExplainOne(server.Client, "credit-risk", 9, "customer");
        var model = server.Registry.Get("credit-risk");
        // A second server on the same ledger that has only the card-fraud model (the registry is not disposed: the
        // fixture owns its models).
        var (app, port) = await ServerFixture.StartAsync(
            new ModelRegistry([server.Registry.Get("card-fraud")]),
            new ExplainabilityServerOptions { MinimumLogLevel = LogLevel.Critical, LedgerPath = server.LedgerPath });
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var client = new Explainer.ExplainerClient(channel);

            var e = await Assert.ThrowsAsync<RpcException>(
                () => client.RenderAsync(new RenderRequest { ExplanationId = id, Audience = "data-scientist" }).ResponseAsync);

            Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
            Assert.Contains($"model 'credit-risk' version {model.Version} (sha256 {model.Sha256})", e.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("no longer has loaded", e.Status.Detail, StringComparison.Ordinal);
            var got = await client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id });
            Assert.Equal(StoredRecord(server.LedgerPath, id), got.Explanation.ToByteArray());
            Assert.Single(got.Views);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private async Task<string> ExplainOne(Explainer.ExplainerClient client, string modelId, int row, string audience)
    {
        var request = new ExplainRequest { ModelId = modelId };
        request.Rows.Add(server.BackgroundRows(modelId, [row]));
        request.Audiences.Add(audience);
        var response = await client.ExplainAsync(request);
        return response.Rows[0].ExplanationId;
    }

    internal static long CountExplanations(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM explanations;";
        return (long)command.ExecuteScalar()!;
    }

    private static byte[] StoredRecord(string path, string id)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM explanations WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return (byte[])command.ExecuteScalar()!;
    }
}
