using Explainability.Protos;
using Explainability.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Explainability.Server.Tests;

[Collection(ServerTestGroup.Name)]
public sealed class BadRequestTests(ServerFixture server)
{
    public static TheoryData<string, StatusCode, string[]> Cases => new()
    {
        { "unknown-model", StatusCode.NotFound, ["no-such-model", "credit-risk"] },
        { "missing-feature", StatusCode.InvalidArgument, ["missing feature 'duration'", "row 1"] },
        { "unknown-feature", StatusCode.InvalidArgument, ["unknown feature 'shoe_size'", "row 0"] },
        { "text-for-numeric", StatusCode.InvalidArgument, ["'duration' is numeric", "'long'", "row 0"] },
        { "number-for-categorical", StatusCode.InvalidArgument, ["'checking_status' is categorical", "row 1"] },
        { "unseen-category", StatusCode.InvalidArgument, ["'martian'", "checking_status", "never seen"] },
        { "unknown-method", StatusCode.InvalidArgument, ["unknown method 'shapley'", "interventional", "kernel", "exact"] },
        { "unknown-audience", StatusCode.InvalidArgument, ["unknown audience 'regulator'", "customer"] },
        { "unknown-format", StatusCode.InvalidArgument, ["unknown format 'pdf'", "md", "html"] },
        { "path-as-language", StatusCode.InvalidArgument, ["language '../customer/x'", "language code"] },
        { "zero-rows", StatusCode.InvalidArgument, ["no rows"] },
        { "probability-space", StatusCode.InvalidArgument, ["output space 'probability'", "margin"] },
        { "infinite-number", StatusCode.InvalidArgument, ["row 1", "feature 'duration' is not finite"] },
        { "negative-infinite-number", StatusCode.InvalidArgument, ["row 0", "feature 'age' is not finite"] },
        { "beyond-float32", StatusCode.InvalidArgument, ["row 1: feature 'duration' is 1E+300, beyond the float32 range", "3.4028235E+38"] },
        { "categorical-without-value", StatusCode.InvalidArgument, ["row 1: feature 'checking_status' is categorical and has no value"] },
        { "megabyte-category", StatusCode.InvalidArgument, [$"category '{new string('z', 80)}…' (1048576 characters) of feature 'checking_status'"] },
        { "categorical-nan", StatusCode.InvalidArgument, ["row 0: feature 'purpose' is categorical and has no value"] },
        { "kernel-nsamples-below-minimum", StatusCode.InvalidArgument, ["nsamples 10 is out of range for KernelSHAP over 20 players", "the minimum is 82"] },
        { "permutation-nsamples-below-minimum", StatusCode.InvalidArgument, ["nsamples 1 is out of range for permutation SHAP", "the minimum is 10"] },
        { "exact-over-player-limit", StatusCode.InvalidArgument, ["limited to 16 players", "has 20"] },
        { "seed-with-treeshap", StatusCode.InvalidArgument, ["seed applies to the sampling methods kernel and permutation", "method tree_path_dependent is deterministic"] },
        { "linear-on-tree-model", StatusCode.FailedPrecondition, ["cannot be explained with linear", "it supports: tree_path_dependent, interventional, kernel, permutation"] },
        { "probability-with-treeshap", StatusCode.InvalidArgument, ["'probability' is not available with interventional", "exact, kernel or permutation"] },
        { "million-features", StatusCode.InvalidArgument, ["row 0: unknown feature 'f0'", "the row has 1000020 values, the model takes 20"] },
        { "ten-megabyte-feature-name", StatusCode.InvalidArgument, [$"row 0: unknown feature '{new string('f', 80)}…' (10485760 characters)"] },
        { "ten-megabyte-model-id", StatusCode.NotFound, [$"unknown model '{new string('m', 80)}…' (10485760 characters)", "known models: card-fraud, credit-risk"] },
        { "ten-megabyte-method", StatusCode.InvalidArgument, [$"unknown method '{new string('k', 80)}…' (10485760 characters)"] },
        { "empty-model-id", StatusCode.NotFound, ["unknown model ''", "credit-risk"] },
        { "empty-feature-name", StatusCode.InvalidArgument, ["row 1: unknown feature ''"] },
        { "empty-row", StatusCode.InvalidArgument, ["row 0: missing feature 'checking_status'", "send NaN for a missing value"] },
        { "text-nan-for-numeric", StatusCode.InvalidArgument, ["row 0: feature 'duration' is numeric, got the text 'NaN'"] },
        { "empty-category", StatusCode.InvalidArgument, ["row 1: category '' of feature 'purpose' was never seen"] },
        { "unknown-output-space", StatusCode.InvalidArgument, ["unknown output space 'logit'", "margin or probability"] },
        { "nsamples-with-treeshap", StatusCode.InvalidArgument, ["nsamples applies to the sampling methods kernel and permutation", "tree_path_dependent computes exact values"] },
        { "negative-nsamples", StatusCode.InvalidArgument, ["nsamples -5 is out of range for KernelSHAP", "the minimum is 82"] },
        { "empty-audience", StatusCode.InvalidArgument, ["unknown audience ''", "data-scientist"] },
        { "html-for-audience-without-template", StatusCode.InvalidArgument, ["audience 'fraud-analyst' has no html template"] },
        { "upper-case-output-space", StatusCode.InvalidArgument, ["unknown output space 'MARGIN'"] },
    };

    /// <summary>Malformed requests of the other RPCs.</summary>
    public static TheoryData<string, StatusCode, string[]> OtherRpcCases => new()
    {
        { "get-explanation-malformed-id", StatusCode.InvalidArgument, ["explanation id 'not-an-id' is malformed", "32 lowercase hex digits"] },
        { "get-explanation-unknown-id", StatusCode.NotFound, [$"no explanation '{new string('0', 32)}' in the ledger"] },
        { "render-without-audience", StatusCode.InvalidArgument, ["audience is required", "customer"] },
        { "render-malformed-id", StatusCode.InvalidArgument, [$"explanation id '{new string('A', 32)}' is malformed"] },
        { "compare-one-method", StatusCode.InvalidArgument, ["a comparison needs at least two methods; got 1 (kernel)"] },
        { "compare-negative-top-k", StatusCode.InvalidArgument, ["top_k is -1"] },
        { "compare-empty-method-entry", StatusCode.InvalidArgument, ["have an empty entry (entry 2 of 3)"] },
        { "get-model-ten-megabyte-id", StatusCode.NotFound, [$"unknown model '{new string('g', 80)}…' (10485760 characters)"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_request_gets_its_status_code_and_a_message_naming_the_problem(string name, StatusCode code, string[] mentions)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.ExplainAsync(BadRequest(name)).ResponseAsync);

        Assert.Equal(code, e.StatusCode);
        foreach (var m in mentions)
        {
            Assert.Contains(m, e.Status.Detail, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(":line ", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", e.Status.Detail, StringComparison.Ordinal);
        Assert.True(e.Status.Detail.Length < 2000, $"the message has {e.Status.Detail.Length} characters");
    }

    [Theory]
    [MemberData(nameof(OtherRpcCases))]
    public async Task Bad_request_of_another_rpc_gets_its_status_code_and_a_message_naming_the_problem(string name, StatusCode code, string[] mentions)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => CallOther(name));

        Assert.Equal(code, e.StatusCode);
        foreach (var m in mentions)
        {
            Assert.Contains(m, e.Status.Detail, StringComparison.Ordinal);
        }

        Assert.True(e.Status.Detail.Length < 2000, $"the message has {e.Status.Detail.Length} characters");
    }

    [Fact]
    public async Task GetModel_of_an_unknown_model_is_NotFound_listing_the_known_ones()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetModelAsync(new GetModelRequest { ModelId = "nope" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("unknown model 'nope'; known models: card-fraud, credit-risk", e.Status.Detail);
    }

    [Fact]
    public async Task Server_keeps_serving_after_every_bad_request()
    {
        foreach (var name in Cases.Select(c => (string)c[0]))
        {
            await Assert.ThrowsAsync<RpcException>(() => server.Client.ExplainAsync(BadRequest(name)).ResponseAsync);
        }

        foreach (var name in OtherRpcCases.Select(c => (string)c[0]))
        {
            await Assert.ThrowsAsync<RpcException>(() => CallOther(name));
        }

        foreach (var frame in RawFrameTests.Frames.Select(c => (string)c[0]))
        {
            await RawFrameTests.Send(server.Port, "/explainability.v1.Explainer/Explain", RawFrameTests.Frame(frame));
        }

        var response = await server.Client.ExplainAsync(ValidRequest());

        Assert.Equal(2, response.Rows.Count);
        Assert.Single(response.Rows[0].Views);
    }

    [Fact]
    public async Task Model_agnostic_request_over_the_evaluation_limit_is_ResourceExhausted_naming_the_estimate()
    {
        var (app, port) = await ServerFixture.StartAsync(server.Registry, new ExplainabilityServerOptions { MaxModelEvaluationsPerRequest = 1_000_000, MinimumLogLevel = LogLevel.Warning });
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Explainer.ExplainerClient(channel);
        var request = new ExplainRequest { ModelId = "credit-risk", Method = "kernel", Nsamples = 3000 };
        request.Rows.Add(server.BackgroundRows("credit-risk", [0, 1]));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ExplainAsync(request).ResponseAsync);

        // 2 rows x (3000 coalitions x 200 background rows + f(x)).
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("up to 1,200,002 model evaluations", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("the limit is 1,000,000 per request", e.Status.Detail, StringComparison.Ordinal);
        request.Nsamples = 100;
        Assert.Equal(2, (await client.ExplainAsync(request)).Rows.Count);
        await app.StopAsync();
    }

    [Fact]
    public async Task More_rows_than_the_limit_is_ResourceExhausted_naming_both_numbers()
    {
        var (app, port) = await ServerFixture.StartAsync(server.Registry, new ExplainabilityServerOptions { MaxRowsPerRequest = 2, MinimumLogLevel = LogLevel.Warning });
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Explainer.ExplainerClient(channel);
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [0, 1, 2]));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ExplainAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("3 rows", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("at most 2 rows", e.Status.Detail, StringComparison.Ordinal);
        request.Rows.RemoveAt(2);
        Assert.Equal(2, (await client.ExplainAsync(request)).Rows.Count);
        await app.StopAsync();
    }

    private ExplainRequest ValidRequest()
    {
        var request = new ExplainRequest { ModelId = "credit-risk" };
        request.Rows.Add(server.BackgroundRows("credit-risk", [0, 1]));
        request.Audiences.Add("customer");
        return request;
    }

    private ExplainRequest BadRequest(string name)
    {
        var request = ValidRequest();
        switch (name)
        {
            case "unknown-model":
                request.ModelId = "no-such-model";
                break;
            case "missing-feature":
                request.Rows[1].Values.Remove("duration");
                break;
            case "unknown-feature":
                request.Rows[0].Values["shoe_size"] = new FeatureValue { Number = 42 };
                break;
            case "text-for-numeric":
                request.Rows[0].Values["duration"] = new FeatureValue { Text = "long" };
                break;
            case "number-for-categorical":
                request.Rows[1].Values["checking_status"] = new FeatureValue { Number = 3 };
                break;
            case "unseen-category":
                request.Rows[0].Values["checking_status"] = new FeatureValue { Text = "martian" };
                break;
            case "unknown-method":
                request.Method = "shapley";
                break;
            case "unknown-audience":
                request.Audiences.Add("regulator");
                break;
            case "unknown-format":
                request.Format = "pdf";
                break;
            case "path-as-language":
                request.Language = "../customer/x";
                break;
            case "zero-rows":
                request.Rows.Clear();
                break;
            case "probability-space":
                request.OutputSpace = "probability";
                break;
            case "infinite-number":
                request.Rows[1].Values["duration"] = new FeatureValue { Number = double.PositiveInfinity };
                break;
            case "beyond-float32":
                request.Rows[1].Values["duration"] = new FeatureValue { Number = 1e300 };
                break;
            case "negative-infinite-number":
                request.Rows[0].Values["age"] = new FeatureValue { Number = double.NegativeInfinity };
                break;
            case "categorical-without-value":
                request.Rows[1].Values["checking_status"] = new FeatureValue();
                break;
            case "megabyte-category":
                request.Rows[0].Values["checking_status"] = new FeatureValue { Text = new string('z', 1 << 20) };
                break;
            case "categorical-nan":
                request.Rows[0].Values["purpose"] = new FeatureValue { Number = double.NaN };
                break;
            case "kernel-nsamples-below-minimum":
                request.Method = "kernel";
                request.Nsamples = 10;
                break;
            case "permutation-nsamples-below-minimum":
                request.Method = "permutation";
                request.Nsamples = 1;
                break;
            case "exact-over-player-limit":
                request.Method = "exact";
                break;
            case "seed-with-treeshap":
                request.Method = "tree_path_dependent";
                request.Seed = 7;
                break;
            case "linear-on-tree-model":
                request.Method = "linear";
                break;
            case "probability-with-treeshap":
                request.Method = "interventional";
                request.OutputSpace = "probability";
                break;
            case "million-features":
                for (int i = 0; i < 1_000_000; i++)
                {
                    request.Rows[0].Values[$"f{i}"] = new FeatureValue { Number = i };
                }

                break;
            case "ten-megabyte-feature-name":
                request.Rows[0].Values.Remove("duration");
                request.Rows[0].Values[new string('f', 10 << 20)] = new FeatureValue { Number = 1 };
                break;
            case "ten-megabyte-model-id":
                request.ModelId = new string('m', 10 << 20);
                break;
            case "ten-megabyte-method":
                request.Method = new string('k', 10 << 20);
                break;
            case "empty-model-id":
                request.ModelId = "";
                break;
            case "empty-feature-name":
                request.Rows[1].Values.Remove("duration");
                request.Rows[1].Values[""] = new FeatureValue { Number = 1 };
                break;
            case "empty-row":
                request.Rows[0].Values.Clear();
                break;
            case "text-nan-for-numeric":
                request.Rows[0].Values["duration"] = new FeatureValue { Text = "NaN" };
                break;
            case "empty-category":
                request.Rows[1].Values["purpose"] = new FeatureValue { Text = "" };
                break;
            case "unknown-output-space":
                request.OutputSpace = "logit";
                break;
            case "nsamples-with-treeshap":
                request.Nsamples = 100;
                break;
            case "negative-nsamples":
                request.Method = "kernel";
                request.Nsamples = -5;
                break;
            case "empty-audience":
                request.Audiences.Add("");
                break;
            case "html-for-audience-without-template":
                request.Audiences.Clear();
                request.Audiences.Add("fraud-analyst");
                request.Format = "html";
                break;
            case "upper-case-output-space":
                // Names are exact: the upper-case spelling is no output space.
                request.OutputSpace = "MARGIN";
                break;
            default:
                throw new ArgumentException($"no bad request named '{name}'", nameof(name));
        }

        return request;
    }

    private Task CallOther(string name)
    {
        var client = server.Client;
        CompareRequest Compare(params string[] methods)
        {
            var compare = new CompareRequest { ModelId = "credit-risk" };
            compare.Rows.Add(server.BackgroundRows("credit-risk", [0]));
            compare.Methods.Add(methods);
            return compare;
        }

        return name switch
        {
            "get-explanation-malformed-id" => client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = "not-an-id" }).ResponseAsync,
            "get-explanation-unknown-id" => client.GetExplanationAsync(new GetExplanationRequest { ExplanationId = new string('0', 32) }).ResponseAsync,
            "render-without-audience" => client.RenderAsync(new RenderRequest { ExplanationId = new string('0', 32) }).ResponseAsync,
            "render-malformed-id" => client.RenderAsync(new RenderRequest { ExplanationId = new string('A', 32), Audience = "customer" }).ResponseAsync,
            "compare-one-method" => client.CompareAsync(Compare("kernel")).ResponseAsync,
            "compare-negative-top-k" => client.CompareAsync(Compare("tree_path_dependent", "interventional") is var c ? WithTopK(c, -1) : null!).ResponseAsync,
            "compare-empty-method-entry" => client.CompareAsync(Compare("tree_path_dependent,,kernel")).ResponseAsync,
            "get-model-ten-megabyte-id" => client.GetModelAsync(new GetModelRequest { ModelId = new string('g', 10 << 20) }).ResponseAsync,
            _ => throw new ArgumentException($"no bad request named '{name}'", nameof(name)),
        };

        static CompareRequest WithTopK(CompareRequest request, int topK)
        {
            request.TopK = topK;
            return request;
        }
    }
}
