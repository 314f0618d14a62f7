using System.Collections.Concurrent;
using System.Globalization;
using Explainability.Protos;
using Explainability.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Explainability.Cli.Tests;

/// <summary>
/// Issue 7, item 7: three <c>serve</c> processes on loopback ports share one PostgreSQL ledger; a client balances its calls
/// round-robin over them. Every acknowledged explanation is in the ledger exactly once, whichever replica served it, and
/// stays there when a replica is killed mid-run. Skipped without <c>EXPLAINABILITY_TEST_POSTGRES</c> (see
/// <see cref="PostgresTestDatabase"/>).
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper log)
{
    private const int Replicas = 3;
    private const int Callers = 4;
    private const int CallsBeforeKill = 240;
    private const int CallsAfterKill = 90;

    [SkippableFact]
    public async Task Three_replicas_behind_a_round_robin_client_record_every_acknowledged_explanation_once_even_when_one_is_killed()
    {
        using var database = PostgresTestDatabase.Require();
        var settings = new NpgsqlConnectionStringBuilder(database.NewSchema());
        string? password = settings.Password;
        // The servers get the connection string without the password, and the password through PGPASSWORD, as documented.
        settings.Password = null;
        using var temp = new TempFolder();
        var rows = LedgerKillTests.BackgroundRows("credit-risk", 16);
        string ledger = WithPassword(settings, password);

        var servers = await Task.WhenAll(Enumerable.Range(0, Replicas).Select(_ =>
            ServerProcess.StartOnPostgresAsync(temp.Path, settings.ConnectionString, password, "--metrics-port", "0")));
        try
        {
            Assert.All(servers, s => Assert.Contains(
                $"; ledger postgresql://{settings.Username}@{settings.Host}:{settings.Port}/{settings.Database} (search path {settings.SearchPath});",
                s.StartLine, StringComparison.Ordinal));
            using var channel = RoundRobinChannel(servers.Select(s => s.Port));
            var client = new Explainer.ExplainerClient(channel);
            var acknowledged = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            int failed = 0, failedRows = 0, next = 0;

            // Callers send Explain calls of two rows each until `limit` calls are done; a call that fails (the killed replica's)
            // acknowledged nothing and is counted.
            async Task Caller(int limit)
            {
                for (int call; (call = Interlocked.Increment(ref next)) <= limit;)
                {
                    var request = new ExplainRequest { ModelId = "credit-risk", Method = "tree_path_dependent" };
                    request.Rows.Add(rows[call % rows.Count]);
                    request.Rows.Add(rows[(call + 5) % rows.Count]);
                    request.Audiences.Add("customer");
                    try
                    {
                        var response = await client.ExplainAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));
                        foreach (var row in response.Rows)
                        {
                            Assert.True(acknowledged.TryAdd(row.ExplanationId, call), $"explanation id {row.ExplanationId} was acknowledged twice");
                        }
                    }
                    catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.Add(ref failedRows, request.Rows.Count);
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(() => Caller(CallsBeforeKill))));
            Volatile.Write(ref next, CallsBeforeKill); // each caller took one number past the limit

            // All three served, and between them exactly the rows acknowledged; the ledger holds exactly those.
            var served = await Task.WhenAll(servers.Select(RowsServed));
            log.WriteLine($"before the kill: {acknowledged.Count} acknowledged, rows served per replica {string.Join(", ", served)}, failed calls {failed}");
            Assert.Equal(0, failed);
            Assert.All(served, n => Assert.True(n >= CallsBeforeKill * 2 / Replicas / 2, $"a replica served only {n} rows: {string.Join(", ", served)}"));
            Assert.Equal(acknowledged.Count, served.Sum());
            Assert.Equal(CallsBeforeKill * 2, acknowledged.Count);
            Assert.Equal(acknowledged.Count, Count(database, ledger, "SELECT COUNT(*) FROM explanations;"));

            // A replica dies (SIGKILL) while the callers keep going: the survivors take its share.
            var calling = Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(() => Caller(CallsBeforeKill + CallsAfterKill))));
            while (Volatile.Read(ref next) < CallsBeforeKill + 10 && !calling.IsCompleted)
            {
                await Task.Delay(5);
            }

            servers[0].Kill();
            await calling;
            log.WriteLine($"after the kill: {acknowledged.Count} acknowledged, failed calls {failed} ({failedRows} rows)");

            string[] ids = [.. acknowledged.Keys];
            Assert.Equal((CallsBeforeKill + CallsAfterKill) * 2, acknowledged.Count + failedRows);
            Assert.True(failed <= CallsAfterKill / 2, $"{failed} calls failed after the kill: the survivors did not take the killed replica's share");
            using (var connection = new NpgsqlConnection(ledger))
            {
                connection.Open();
                // Each acknowledged id exactly once, with its one view; ids are the primary key, and no id appears twice anyway.
                using var once = new NpgsqlCommand(
                    "SELECT COUNT(*), COUNT(DISTINCT e.id), (SELECT COUNT(*) FROM views v WHERE v.explanation_id = ANY(@ids)) FROM explanations e WHERE e.id = ANY(@ids);",
                    connection);
                once.Parameters.AddWithValue("ids", ids);
                using (var reader = once.ExecuteReader())
                {
                    Assert.True(reader.Read());
                    Assert.Equal((ids.LongLength, ids.LongLength, ids.LongLength), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
                }

                // Rows beyond the acknowledged ones can only be of calls cut by the kill after their commit.
                long total = Count(database, ledger, "SELECT COUNT(*) FROM explanations;");
                Assert.InRange(total, ids.LongLength, ids.LongLength + failedRows);
            }

            // A recorded explanation reads back through any replica: the ledger is theirs in common.
            // The balancer learns that the killed replica is gone from a refused connection: a call it still sends there is
            // Unavailable, and a client retries it, as gRPC retries an Unavailable call, on the next replica.
            foreach (string id in ids.Take(12))
            {
                GetExplanationResponse? recorded = null;
                for (int attempt = 0; recorded is null; attempt++)
                {
                    try
                    {
                        recorded = await client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = id });
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < Replicas)
                    {
                        log.WriteLine($"read-back of {id} attempt {attempt}: {e.Status.Detail}");
                    }
                }

                Assert.Equal((id, 1), (recorded.Explanation.ExplanationId, recorded.Views.Count));
            }

            // And the command line re-renders one from the same database, its password from PGPASSWORD too.
            var render = await CliProcess.RunAsync(
                temp.Path, new Dictionary<string, string> { ["PGPASSWORD"] = password ?? "" },
                "render", "--ledger-postgres", settings.ConnectionString, "--id", ids[0], "--audience", "data-scientist", "--models", Path.Combine(RepoRoot.Path, "models"));
            Assert.True(render.Code == 0, $"render exited {render.Code}: {render.Error}");
            Assert.NotEmpty(render.Output);
            Assert.Equal(2L, Count(database, ledger, $"SELECT COUNT(*) FROM views WHERE explanation_id = '{ids[0]}';"));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>A channel to the replicas at <paramref name="ports"/> on 127.0.0.1 that sends each call to the next one
    /// (Grpc.Net.Client's round-robin balancer over a static address list), as a gRPC-aware client on Kubernetes would
    /// over the pod addresses of a headless Service.</summary>
    private static GrpcChannel RoundRobinChannel(IEnumerable<int> ports)
    {
        var addresses = ports.Select(p => new BalancerAddress("127.0.0.1", p)).ToList();
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => addresses));
        return GrpcChannel.ForAddress("static:///explainability", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } },
            ServiceProvider = services.BuildServiceProvider(),
        });
    }

    /// <summary>Rows explained and answered by <paramref name="server"/>, from its <c>/metrics</c>.</summary>
    private static async Task<long> RowsServed(ServerProcess server)
    {
        using var http = new HttpClient();
        string exposition = await http.GetStringAsync(server.MetricsUrl);
        return (long)exposition.Split('\n')
            .Where(line => line.StartsWith("explainability_rows_total{", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    private static long Count(PostgresTestDatabase database, string connectionString, string sql) =>
        Convert.ToInt64(database.Query(sql, connectionString).Single(), CultureInfo.InvariantCulture);

    private static string WithPassword(NpgsqlConnectionStringBuilder settings, string? password) =>
        new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Password = password }.ConnectionString;
}
