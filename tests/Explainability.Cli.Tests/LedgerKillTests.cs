using System.Collections.Concurrent;
using Explainability.Protos;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace Explainability.Cli.Tests;

/// <summary>Issue 4, item 7: explain -> kill -9 -> restart -> GetExplanation returns the same bytes; Render works on it.</summary>
public sealed class LedgerKillTests(ITestOutputHelper log)
{
    private const int Acknowledgements = 24;

    [Fact]
    public async Task Kill_9_mid_stream_loses_no_acknowledged_explanation_and_GetExplanation_returns_the_same_bytes_after_restart()
    {
        using var temp = new TempFolder();
        string ledger = Path.Combine(temp.Path, "ledger.db");
        var rows = BackgroundRows("credit-risk", 12);
        var acknowledged = new ConcurrentDictionary<string, RowExplanation>(StringComparer.Ordinal);
        var before = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        int failedAfterKill = 0;
        int killing = 0;

        await using (var server = await ServerProcess.StartAsync(ledger))
        {
            using var channel = GrpcChannel.ForAddress(server.Address);
            var client = new Explainer.ExplainerClient(channel);
            using var stop = new CancellationTokenSource();

            // Three callers send Explain calls back to back, each id read back once it is acknowledged, until the kill.
            async Task Caller(int caller)
            {
                for (int call = 0; !stop.IsCancellationRequested; call++)
                {
                    var request = new ExplainRequest { ModelId = "credit-risk", Method = call % 2 == 0 ? "tree_path_dependent" : "interventional" };
                    request.Rows.Add(rows[(caller + (3 * call)) % rows.Count]);
                    request.Rows.Add(rows[(caller + (3 * call) + 1) % rows.Count]);
                    request.Audiences.Add("customer");
                    try
                    {
                        var response = await client.ExplainAsync(request, new Metadata { { "client", $"caller-{caller}" } });
                        foreach (var row in response.Rows)
                        {
                            acknowledged[row.ExplanationId] = row;
                        }

                        foreach (var row in response.Rows)
                        {
                            before[row.ExplanationId] = (await client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = row.ExplanationId })).ToByteArray();
                        }
                    }
                    catch (RpcException) when (Volatile.Read(ref killing) == 1)
                    {
                        Interlocked.Increment(ref failedAfterKill);
                        return;
                    }
                }
            }

            var callers = Enumerable.Range(0, 3).Select(c => Task.Run(() => Caller(c))).ToList();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (acknowledged.Count < Acknowledgements && DateTime.UtcNow < deadline && callers.All(c => !c.IsCompleted))
            {
                await Task.Delay(10);
            }

            Assert.True(acknowledged.Count >= Acknowledgements, $"only {acknowledged.Count} explanations acknowledged before the deadline");
            Volatile.Write(ref killing, 1);
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(callers);
        }

        log.WriteLine($"acknowledged {acknowledged.Count}, read back {before.Count}, calls cut by the kill {failedAfterKill}");
        Assert.True(failedAfterKill >= 1, "no call was in flight when the server was killed");
        Assert.True(File.Exists(ledger + "-wal"), "the killed server left its write-ahead log, as a crash would");
        await using (var server = await ServerProcess.StartAsync(ledger))
        {
            using var channel = GrpcChannel.ForAddress(server.Address);
            var client = new Explainer.ExplainerClient(channel);
            foreach (var (id, served) in acknowledged)
            {
                var got = await client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id });
                if (before.TryGetValue(id, out var bytes))
                {
                    Assert.Equal(bytes, got.ToByteArray());
                }

                var recorded = got.Explanation.Explanation;
                Assert.Equal(served.ModelOutputs, recorded.ModelOutputs);
                Assert.Equal(served.BaseValues, recorded.BaseValues);
                Assert.Equal(served.Attributions.Select(a => a.Phi[0]), recorded.Attributions.Select(a => a.Phi[0]));
                Assert.Equal(served.Views[0], Assert.Single(got.Views).View);
                Assert.StartsWith("caller-", got.Explanation.Client, StringComparison.Ordinal);
            }

            Assert.True(before.Count >= Acknowledgements - 6, $"{before.Count} ids were read back before the kill");
            using (var store = Server.Ledger.SqliteExplanationLedger.Open(ledger))
            {
                // Calls cut by the kill may have been recorded without being answered; never the other way round.
                long recorded = store.Count();
                log.WriteLine($"recorded {recorded}");
                Assert.True(recorded >= acknowledged.Count, $"{recorded} recorded, {acknowledged.Count} acknowledged");
            }


            // Render it again in Dutch: the customer's Dutch template; the data scientist has no Dutch template, so that view
            // is English throughout (names too) and says so.
            string first = before.Keys.Order(StringComparer.Ordinal).First();
            var top = acknowledged[first].Attributions.MaxBy(a => Math.Abs(a.Phi[0]))!;
            var customer = await client.RenderAsync(new RenderRequest { ExplanationId = first, Audience = "customer", Language = "nl" });
            Assert.Equal(("customer", "nl"), (customer.View.Audience, customer.View.Language));
            Assert.StartsWith("Waarom we tot dit besluit kwamen", customer.View.Rendered, StringComparison.Ordinal);
            Assert.Contains("Deze uitleg laat weg:", customer.View.Rendered, StringComparison.Ordinal);
            var dutch = await client.RenderAsync(new RenderRequest { ExplanationId = first, Audience = "data-scientist", Language = "nl" });
            Assert.Equal("en", dutch.View.Language);
            Assert.DoesNotContain(DutchName("credit-risk", top.Feature), dutch.View.Rendered, StringComparison.Ordinal);
            var manager = await client.RenderAsync(new RenderRequest { ExplanationId = first, Audience = "business-manager", Format = "md" });
            Assert.Equal("business-manager", manager.View.Audience);
            var after = await client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = first });
            Assert.Equal(["customer", "customer", "data-scientist", "business-manager"], after.Views.Select(v => v.View.Audience));
            Assert.Equal(GetExplanationResponse.Parser.ParseFrom(before[first]).Explanation.ToByteArray(), after.Explanation.ToByteArray());
        }
    }

    internal static List<Row> BackgroundRows(string modelId, int count)
    {
        using var registry = Server.Models.ModelRegistry.LoadDirectory(Path.Combine(RepoRoot.Path, "models", modelId));
        var model = registry.Get(modelId);
        var table = model.Background!;
        var rows = new List<Row>();
        for (int r = 0; r < count; r++)
        {
            var row = new Row();
            foreach (var feature in model.Card.Features)
            {
                var cell = table[r, table.IndexOf(feature.Name)];
                row.Values[feature.Name] = cell.IsText ? new Protos.FeatureValue { Text = cell.Text } : new Protos.FeatureValue { Number = cell.Number };
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string DutchName(string modelId, string feature)
    {
        var card = Views.ModelCards.ModelCardReader.Read(Path.Combine(RepoRoot.Path, "models", modelId, "model-card.json"));
        return card.Features.Single(f => f.Name == feature).DisplayName["nl"];
    }
}
