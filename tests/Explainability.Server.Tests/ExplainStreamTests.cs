using Explainability.Protos;
using Grpc.Core;

namespace Explainability.Server.Tests;

[Collection(ServerTestGroup.Name)]
public sealed class ExplainStreamTests(ServerFixture server)
{
    [Fact]
    public async Task Each_streamed_request_is_answered_in_order_as_the_unary_Explain_answers_it()
    {
        var requests = Enumerable.Range(0, 12).Select(r => Request(r, audience: r % 3 == 0 ? "customer" : null)).ToList();
        var expected = new List<ExplainResponse>();
        foreach (var request in requests)
        {
            expected.Add(await server.Client.ExplainAsync(request));
        }

        using var call = server.Client.ExplainStream();
        var received = new List<ExplainResponse>();
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                received.Add(response);
            }
        });
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        await reading;

        Assert.Equal(requests.Count, received.Count);
        for (int i = 0; i < requests.Count; i++)
        {
            Assert.Equal(LedgerIds.Cleared(expected[i]), LedgerIds.Cleared(received[i]));
            Assert.NotEqual(expected[i].Rows[0].ExplanationId, received[i].Rows[0].ExplanationId);
        }
    }

    [Fact]
    public async Task A_refused_request_ends_the_stream_with_its_status_and_position_after_the_earlier_answers()
    {
        var bad = Request(2, audience: null);
        bad.Rows[0].Values["duration"] = new FeatureValue { Text = "twelve" };
        using var call = server.Client.ExplainStream();
        var received = new List<ExplainResponse>();
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                received.Add(response);
            }
        });
        foreach (var request in new[] { Request(0, null), Request(1, null), bad, Request(3, null) })
        {
            try
            {
                await call.RequestStream.WriteAsync(request);
            }
            catch (RpcException)
            {
                break; // the server may end the call before the last write
            }
        }

        try
        {
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => reading);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("request 2: row 0: feature 'duration' is numeric", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, received.Count);
        foreach (var response in received)
        {
            var recorded = await server.Client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = response.Rows[0].ExplanationId });
            Assert.Equal(response.Rows[0].ExplanationId, recorded.Explanation.ExplanationId);
        }
    }

    private ExplainRequest Request(int row, string? audience)
    {
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "tree_path_dependent" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [row]));
        if (audience is not null)
        {
            request.Audiences.Add(audience);
        }

        return request;
    }
}
