using Explainability.Core.Shap;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Hosting;
using Explainability.Server.Models;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using ProtoValue = Explainability.Protos.FeatureValue;

namespace Explainability.Server.Tests;

/// <summary>
/// Casebook C11 through the service and over gRPC: <c>y = tree(X) + offset</c> (fixture <c>c11_offset.onnx</c>, a bare ONNX
/// file with a derived card). The offset is a required input, reported per row in <c>RowExplanation.offsets</c>, and the
/// service's runtime check compares the link of margin plus offset with ONNX Runtime.
/// </summary>
public sealed class OffsetTests : IDisposable
{
    private static readonly double Ln3 = Math.Log(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("c11-offset-").FullName;
    private readonly LoadedModel _model;

    public OffsetTests()
    {
        string background = Path.Combine(_folder, "background.csv");
        File.WriteAllText(background, "X,offset\n-1,0\n1,0\n");
        _model = LoadedModel.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "c11_offset", "c11_offset.onnx"), backgroundPath: background);
    }

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static Row C11Row(double x, double? offset)
    {
        var row = new Row();
        row.Values["X"] = new ProtoValue { Number = x };
        if (offset is double o)
        {
            row.Values["offset"] = new ProtoValue { Number = o };
        }

        return row;
    }

    [Theory]
    [InlineData("tree_path_dependent")]
    [InlineData("interventional")]
    public async Task C11_offset_is_reported_per_row_and_the_parts_sum_to_the_served_output(string method)
    {
        var (app, port) = await ServerFixture.StartAsync(new ModelRegistry([_model]), new ExplainabilityServerOptions { MinimumLogLevel = LogLevel.Warning });
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new Explainer.ExplainerClient(channel);
        var request = new ExplainRequest { ModelId = "c11_offset", Method = method };
        request.Rows.Add([C11Row(1.0, Ln3), C11Row(-1.0, -0.25)]);
        request.Audiences.Add(["data-scientist", "business-manager"]);

        var response = await client.ExplainAsync(request);

        Assert.True(double.Parse(response.Parameters["runtime_max_abs_error"], System.Globalization.CultureInfo.InvariantCulture) < 1e-6);
        Assert.Equal("offset", response.Parameters["offset_inputs"]);
        var row = response.Rows[0];
        Assert.Equal(["X"], row.Attributions.Select(a => a.Feature));
        Assert.Equal(0, row.BaseValues[0], 12);
        Assert.Equal(1, row.Attributions[0].Phi[0], 12);
        Assert.Equal(Ln3, Assert.Single(row.Offsets), 1e-6);
        Assert.Equal(2.098612, row.ModelOutputs[0], 1e-6);
        foreach (var r in response.Rows)
        {
            Assert.Equal(r.ModelOutputs[0], r.BaseValues[0] + r.Attributions[0].Phi[0] + r.Offsets[0], 1e-9);
            Assert.Equal(0, r.AdditivityResiduals[0], 1e-9);
        }

        Assert.Equal(-0.25, response.Rows[1].Offsets[0]);
        var info = await client.ListModelsAsync(new ListModelsRequest());
        Assert.Equal(["offset"], Assert.Single(info.Models).OffsetInputs);
        Assert.Equal(["X"], info.Models[0].Features.Select(f => f.Name));
        Assert.Contains("Per-row offset (input 'offset'): +1.098612", row.Views[0].Rendered, StringComparison.Ordinal);
        Assert.Contains("per-row adjustment of the score that is no driver", row.Views[1].Rendered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_offset_is_an_invalid_argument_never_a_silent_zero()
    {
        var (app, port) = await ServerFixture.StartAsync(new ModelRegistry([_model]), new ExplainabilityServerOptions { MinimumLogLevel = LogLevel.Warning });
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var request = new ExplainRequest { ModelId = "c11_offset" };
        request.Rows.Add(C11Row(1.0, null));
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Explainer.ExplainerClient(channel).ExplainAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("missing offset 'offset'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_adds_the_offset_to_the_margin_and_its_link_agrees_with_the_runtime()
    {
        var rows = LoadedModel.ReadTable(Path.Combine(_folder, "background.csv"), _model.Card);
        var withOffset = new Core.Data.FeatureTable(["X", "offset"], [Core.Data.FeatureValue.Of(1.0), Core.Data.FeatureValue.Of(Ln3)]);
        var outcome = ExplanationService.Explain(_model, withOffset, new ExplainOptions(MethodNames.Interventional));
        Assert.Equal(1 + (float)Ln3, outcome.Explanation.Output(0, 0), 12);
        Assert.True(outcome.RuntimeMaxAbsoluteError < 1e-6, $"runtime error {outcome.RuntimeMaxAbsoluteError}");
        Assert.Equal(2, rows.RowCount);
        var ex = Assert.Throws<Onnx.InputException>(() => ExplanationService.Validate(_model.Card, new Core.Data.FeatureTable(["X"], [Core.Data.FeatureValue.Of(1.0)]), false, _model.Onnx.OffsetColumnNames));
        Assert.Contains("missing offset 'offset'", ex.Message, StringComparison.Ordinal);
    }
}
