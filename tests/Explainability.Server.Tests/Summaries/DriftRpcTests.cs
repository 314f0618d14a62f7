using Explainability.Protos;
using Grpc.Core;

namespace Explainability.Server.Tests.Summaries;

/// <summary>The Drift RPC over the real server.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class DriftRpcTests(ServerFixture server)
{
    private static readonly int[] Picked = [.. Enumerable.Range(0, 120)];

    [Fact]
    public async Task Drift_of_a_dataset_against_itself_is_zero_everywhere_and_flags_nothing()
    {
        var request = new DriftRequest { ModelId = "credit-risk" };
        request.BaselineRows.Add(server.BackgroundRows("credit-risk", Picked));
        request.CurrentRows.Add(server.BackgroundRows("credit-risk", Picked));

        var response = await server.Client.DriftAsync(request);

        Assert.Equal(("credit-risk", "tree_path_dependent", "margin", "bad"), (response.ModelId, response.Method, response.OutputSpace, response.Output));
        Assert.Equal(server.Registry.Get("credit-risk").Sha256, response.ModelSha256);
        Assert.Equal((120, 120, 0), (response.BaselineRows, response.CurrentRows, response.Flagged));
        Assert.Equal((0.2, 0.2, 0.01), (response.Thresholds.Psi, response.Thresholds.RelativeMeanAbsChange, response.Thresholds.MinimumMeanAbsShare));
        Assert.Equal(20, response.Features.Count);
        Assert.All(response.Features, f =>
        {
            Assert.Equal(f.BaselineMeanAbsShap, f.CurrentMeanAbsShap);
            Assert.Equal((0.0, 0.0, 0.0, 0.0), (f.MeanAbsChange, f.RelativeChange, f.Psi, f.Wasserstein));
            Assert.Empty(f.Flags);
        });
        Assert.Equal("", response.Rendered);
    }

    [Fact]
    public async Task A_copy_with_a_shifted_feature_flags_that_feature_and_agrees_with_Summarize()
    {
        var baseline = server.BackgroundRows("credit-risk", Picked);
        var shifted = Shift(baseline, "duration", 48);
        var request = new DriftRequest { ModelId = "credit-risk" };
        request.BaselineRows.Add(baseline);
        request.CurrentRows.Add(shifted);
        var summarize = new SummarizeRequest { ModelId = "credit-risk" };
        summarize.Rows.Add(shifted);

        var response = await server.Client.DriftAsync(request);
        var current = (await server.Client.SummarizeAsync(summarize)).Summary;

        var duration = response.Features.Single(f => f.Feature == "duration");
        Assert.Contains("psi", duration.Flags);
        Assert.True(duration.Psi >= 0.2, $"PSI of duration {duration.Psi}");
        Assert.True(response.Flagged >= 1);
        // Every row now has a 48-month loan: the feature's SHAP values move together, so the other features barely move.
        Assert.Equal(current.Features.Single(f => f.Feature == "duration").MeanAbsShap, duration.CurrentMeanAbsShap, 12);
        Assert.Equal(duration.CurrentMeanAbsShap - duration.BaselineMeanAbsShap, duration.MeanAbsChange, 12);
        var largest = response.Features.MaxBy(f => f.Wasserstein)!;
        Assert.Equal("duration", largest.Feature);
    }

    [Theory]
    [InlineData("data-scientist", "html", "<svg data-chart=\"drift\"")]
    [InlineData("data-scientist", "", "## Attribution drift")]
    [InlineData("business-manager", "markdown", "## What changed since the earlier period")]
    public async Task A_report_is_rendered_for_an_audience_with_its_drift_section(string audience, string format, string expected)
    {
        var request = new DriftRequest { ModelId = "credit-risk", Audience = audience, Format = format };
        request.BaselineRows.Add(server.BackgroundRows("credit-risk", Picked));
        request.CurrentRows.Add(Shift(server.BackgroundRows("credit-risk", Picked), "duration", 48));

        var response = await server.Client.DriftAsync(request);

        Assert.Contains(expected, response.Rendered, StringComparison.Ordinal);
        Assert.Contains(audience == "business-manager" ? "Loan duration" : "duration", response.Rendered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rendered_report_is_recorded_in_the_ledger_as_served_and_a_report_not_asked_for_is_not()
    {
        var request = new DriftRequest { ModelId = "credit-risk", Audience = "business-manager", Format = "html" };
        request.BaselineRows.Add(server.BackgroundRows("credit-risk", Picked));
        request.CurrentRows.Add(Shift(server.BackgroundRows("credit-risk", [.. Picked.Take(80)]), "duration", 48));
        var plain = new DriftRequest { ModelId = "credit-risk" };
        plain.BaselineRows.Add(request.BaselineRows);
        plain.CurrentRows.Add(request.CurrentRows);

        var response = await server.Client.DriftAsync(request, new Metadata { { "client", "risk-office" } });
        var recorded = await server.Client.GetReportAsync(new GetReportRequest { ReportId = response.ReportId });
        var unrendered = await server.Client.DriftAsync(plain);

        Assert.Matches("^[0-9a-f]{32}$", response.ReportId);
        Assert.Equal((response.ReportId, "Drift", "risk-office"), (recorded.ReportId, recorded.ServedBy, recorded.Client));
        Assert.Equal(response.Rendered, recorded.Rendered);
        Assert.Equal(("credit-risk", response.ModelVersion, response.ModelSha256, "tree_path_dependent", "margin"),
            (recorded.ModelId, recorded.ModelVersion, recorded.ModelSha256, recorded.Method, recorded.OutputSpace));
        Assert.Equal(("business-manager", "html", 80, 120), (recorded.Audience, recorded.Format, recorded.Rows, recorded.BaselineRows));
        // The response's parameters are the baseline's, the report's the current rows' (whose agreement with ONNX Runtime is their own).
        Assert.Equal(response.Parameters.Where(p => p.Key != "runtime_max_abs_error"), recorded.Parameters.Where(p => p.Key != "runtime_max_abs_error"));
        Assert.Equal(response.Parameters.Keys.Order(), recorded.Parameters.Keys.Order());
        Assert.Contains(recorded.Omissions, o => o.Kind == "beyond-top-k" && o.HasShare && o.Features.Count == 15);
        foreach (var o in recorded.Omissions)
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(o.Description), response.Rendered, StringComparison.Ordinal);
        }

        Assert.Equal("", unrendered.ReportId);
    }

    [Theory]
    [InlineData("0123", StatusCode.InvalidArgument, "report id '0123' is malformed")]
    [InlineData("00000000000000000000000000000000", StatusCode.NotFound, "no report '00000000000000000000000000000000' in the ledger")]
    public async Task GetReport_of_a_malformed_or_unknown_id_names_it(string id, StatusCode status, string message)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.GetReportAsync(new GetReportRequest { ReportId = id }).ResponseAsync);

        Assert.Equal(status, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 0, "", "", 1, "the psi threshold is -1; expected a number from 0 to 100")]
    [InlineData(0, 1e308, "", "", 1, "the relative mean |SHAP| change threshold is 1E+308; expected a number from 0 to 100")]
    [InlineData(0, 0, "customer", "", 1, "audience 'customer' has no report; expected one of: data-scientist, business-manager")]
    [InlineData(0, 0, "data-scientist", "text", 1, "unknown format 'text'; expected one of: html, md")]
    [InlineData(0, 0, "", "html", 1, "format 'html' is set but audience is empty")]
    [InlineData(0, 0, "", "", 0, "current_rows is empty; expected at least one row in each dataset")]
    [InlineData(0, -0.5, "", "", 1, "relative mean |SHAP| change threshold is -0.5")]
    public async Task Bad_requests_are_InvalidArgument_naming_what_is_wrong(double psi, double change, string audience, string format, int currentRows, string message)
    {
        var request = new DriftRequest { ModelId = "credit-risk", PsiThreshold = psi, ChangeThreshold = change, Audience = audience, Format = format };
        request.BaselineRows.Add(server.BackgroundRows("credit-risk", [0, 1]));
        request.CurrentRows.Add(server.BackgroundRows("credit-risk", [.. Enumerable.Range(2, currentRows)]));

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.DriftAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_is_NotFound()
    {
        var request = new DriftRequest { ModelId = "nope" };
        request.BaselineRows.Add(server.BackgroundRows("credit-risk", [0]));
        request.CurrentRows.Add(server.BackgroundRows("credit-risk", [1]));

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Client.DriftAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    /// <summary>Copies of <paramref name="rows"/> with <paramref name="feature"/> set to <paramref name="value"/>.</summary>
    internal static IReadOnlyList<Row> Shift(IReadOnlyList<Row> rows, string feature, double value) =>
        [.. rows.Select(r =>
        {
            var copy = r.Clone();
            copy.Values[feature] = new FeatureValue { Number = value };
            return copy;
        })];
}
