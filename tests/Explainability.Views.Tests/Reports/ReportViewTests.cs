using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Drift;
using Explainability.Core.Explanations;
using Explainability.Core.Summaries;
using Explainability.Views.Policies;
using Explainability.Views.Reports;

namespace Explainability.Views.Tests.Reports;

/// <summary>Reports built from a summary of made-up SHAP values over the test credit card's seven features, and rendered.</summary>
public sealed class ReportViewTests
{
    private static readonly ViewService Service = ViewService.CreateDefault();
    private const int Rows = 60;

    /// <summary>SHAP values <c>[60, 7]</c> with feature f spread about (f + 1) / 4 around a per-feature offset; the
    /// feature values follow the SHAP values so that beeswarm colours vary.</summary>
    private static SummaryData Data(double scaleDuration = 1)
    {
        var random = new Random(7);
        var names = TestData.Columns;
        var shap = new double[Rows * names.Length];
        var values = new FeatureValue[Rows * names.Length];
        for (int r = 0; r < Rows; r++)
        {
            for (int f = 0; f < names.Length; f++)
            {
                double phi = ((random.NextDouble() * 2) - 0.8) * (names.Length - f) / 4.0;
                shap[(r * names.Length) + f] = f == 0 ? phi * scaleDuration : phi;
                values[(r * names.Length) + f] = names[f] is "checking_status" or "personal_status"
                    ? FeatureValue.Of(phi > 0 ? "A11" : "A12")
                    : FeatureValue.Of(Math.Round(phi * 100));
            }
        }

        return new SummaryData
        {
            FeatureNames = names,
            OutputName = "bad",
            OutputSpace = OutputSpace.Margin,
            Method = "tree_path_dependent",
            RowCount = Rows,
            Shap = shap,
            Values = values,
        };
    }

    private static ReportInput Input(string audience, SummaryData data, SummaryData? baseline = null, AudiencePolicy? policy = null)
    {
        var card = TestData.CreditCard();
        var groups = card.Features.GroupBy(f => f.Group).Select(g => new FeatureGroup(g.Key, [.. g.Select(f => f.Name)])).ToList();
        var summary = GlobalSummarizer.Summarize(data, new SummaryOptions(Bins: 6, Groups: groups));
        return new ReportInput
        {
            Audience = audience,
            Policy = policy ?? AudiencePolicies.For(audience),
            ModelId = card.Id,
            ModelVersion = card.Version,
            ModelSha256 = "abc123",
            Card = card,
            Summary = summary,
            RowsGiven = Rows,
            Bins = 6,
            BaseValue = -0.85,
            Parameters = new Dictionary<string, string> { ["covers_source"] = "test" },
            Drift = baseline is null ? null : AttributionDrift.Compare(data.FeatureNames, baseline.Shap, data.Shap),
            DriftThresholds = baseline is null ? null : new DriftThresholds(),
            BaselineRows = baseline?.RowCount ?? 0,
        };
    }

    [Fact]
    public void Importance_bars_are_one_per_feature_strongest_first_and_proportional_to_mean_abs_shap()
    {
        var input = Input(Audiences.DataScientist, Data());
        var view = ReportViewBuilder.Build(input, "log-odds");

        var expected = input.Summary.Features.OrderByDescending(f => f.MeanAbsShap).ToList();
        Assert.Equal(expected.Select(f => f.Name), view.Importance.Marks.Select(m => m.Label));
        Assert.Equal(expected.Select(f => f.MeanAbsShap), view.Importance.Marks.Select(m => m.Value));
        double widest = view.Importance.Marks[0].Width;
        Assert.All(view.Importance.Marks, m => Assert.Equal(m.Value / expected[0].MeanAbsShap * widest, m.Width, 0.051));
        Assert.Equal(view.Features.Select(f => f.Name), view.Importance.Marks.Select(m => m.Label));
        Assert.Equal(1.0, view.Features.Sum(f => f.Share), 12);
    }

    [Fact]
    public void An_areas_share_adds_up_its_features_shares_and_the_part_that_cancels_within_it_is_measured()
    {
        // Worked out from the SHAP values themselves: per group, M = sum over members of mean |phi|, G = mean over rows of
        // |sum of the members' phi|; the share shown to a business manager is M / (sum of every feature's mean |phi|),
        // additive with the drivers' shares, and 1 - G / M of it cancels within the group.
        var data = Data();
        var input = Input(Audiences.BusinessManager, data);
        var view = ReportViewBuilder.Build(input, "log-odds");
        var names = data.FeatureNames;
        double MeanAbs(Func<int, double> phiOfRow) => Enumerable.Range(0, Rows).Average(r => Math.Abs(phiOfRow(r)));
        double total = Enumerable.Range(0, names.Count).Sum(f => MeanAbs(r => data.Shap[(r * names.Count) + f]));
        var card = TestData.CreditCard();
        Assert.NotEmpty(view.Groups);
        foreach (var group in view.Groups)
        {
            var members = card.Features.Where(f => f.Group == group.Name).Select(f => names.ToList().IndexOf(f.Name)).ToList();
            double m = members.Sum(f => MeanAbs(r => data.Shap[(r * names.Count) + f]));
            double g = MeanAbs(r => members.Sum(f => data.Shap[(r * names.Count) + f]));
            Assert.Equal(m / total, group.MembersShare, 12);
            Assert.Equal(1 - (g / m), group.OffsetShare, 12);
            Assert.Equal(g, group.MeanAbsShap, 12);
        }

        Assert.Contains(view.Groups, g => g.OffsetShare > 0.05);
        Assert.Equal(1.0, view.Groups.Sum(g => g.MembersShare), 12); // every feature is in a group, none hidden
        Assert.Equal(view.Groups.OrderByDescending(g => g.MembersShare).Select(g => g.Name), view.Groups.Select(g => g.Name));
        string md = Service.Renderer.RenderReport(view, "md");
        var first = view.Groups[0];
        Assert.Contains($"| {first.Name} | {first.MembersShare * 100:0}% |", md, StringComparison.Ordinal);
        Assert.Contains($" | {first.OffsetShare * 100:0}% |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shares_standard_errors_are_measured_and_a_small_sample_is_said_so()
    {
        // 60 rows: each feature's standard error of mean |SHAP| is the sample SD of |phi| / sqrt(60), worked out here from
        // the SHAP values; the report names the largest as a share of the total.
        var data = Data();
        var names = data.FeatureNames;
        double[] Abs(int f) => [.. Enumerable.Range(0, Rows).Select(r => Math.Abs(data.Shap[(r * names.Count) + f]))];
        double StandardError(double[] v) => Math.Sqrt(v.Sum(a => (a - v.Average()) * (a - v.Average())) / (v.Length - 1) / v.Length);
        double total = Enumerable.Range(0, names.Count).Sum(f => Abs(f).Average());
        var scientist = ReportViewBuilder.Build(Input(Audiences.DataScientist, data), "log-odds");
        foreach (var f in scientist.Features)
        {
            double se = StandardError(Abs(names.ToList().IndexOf(f.Name)));
            Assert.Equal(se, f.MeanAbsShapStandardError!.Value, 12);
            Assert.Equal(se / total, f.ShareStandardError!.Value, 12);
        }

        double largest = scientist.Features.Max(f => f.ShareStandardError!.Value);
        Assert.Equal(largest, scientist.LargestShareStandardError!.Value, 15);
        Assert.Equal(largest >= ReportViewBuilder.RoughShareStandardError, scientist.SmallSample);
        var sampling = Assert.Single(scientist.Omissions, o => o.Kind == "sampling");
        Assert.Equal(largest, sampling.Share!.Value, 15);
        Assert.Contains($"{largest * 100:0.0} percentage points of share", sampling.Description, StringComparison.Ordinal);

        // One case: no standard error, a small sample, and the business manager reads that the shares describe it only.
        var one = data with
        {
            RowCount = 1,
            Shap = data.Shap.AsSpan(0, names.Count).ToArray(),
            Values = data.Values.AsSpan(0, names.Count).ToArray(),
        };
        var input = Input(Audiences.BusinessManager, one) with { RowsGiven = 1 };
        var manager = ReportViewBuilder.Build(input, "log-odds");
        Assert.True(manager.SmallSample);
        Assert.Null(manager.LargestShareStandardError);
        Assert.All(manager.Features, f => Assert.Null(f.ShareStandardError));
        Assert.Equal("1 case: the shares describe this case only, not how the model weighs its factors in general",
            Assert.Single(manager.Omissions, o => o.Kind == "sampling").Description);
        string md = Service.Renderer.RenderReport(manager, "md");
        Assert.Contains("This report covers **1** case and", md, StringComparison.Ordinal);
        Assert.Contains("**Few cases:** the shares below describe this one case only", md, StringComparison.Ordinal);
        var sixty = ReportViewBuilder.Build(Input(Audiences.BusinessManager, data), "log-odds");
        Assert.Equal(sixty.SmallSample, Service.Renderer.RenderReport(sixty, "md").Contains("**Few cases:** with 60 cases the shares below are rough", StringComparison.Ordinal));
        Assert.Contains("This report covers **60** cases and", Service.Renderer.RenderReport(sixty, "md"), StringComparison.Ordinal);
    }

    [Fact]
    public void Degenerate_samples_are_worded_for_what_they_are()
    {
        var data = Data();
        int m = data.FeatureNames.Count;
        SummaryData Copies(int n, Func<int, int, double>? phi = null) => data with
        {
            RowCount = n,
            Shap = [.. Enumerable.Range(0, n * m).Select(i => phi?.Invoke(i / m, i % m) ?? data.Shap[i % m])],
            Values = [.. Enumerable.Range(0, n * m).Select(i => data.Values[i % m])],
        };

        // Five copies of one row: the SHAP values do not vary, and what is left of their standard errors is rounding,
        // so no number is printed for it (not "about 0 percentage points", not 1E-16).
        var five = Copies(5);
        var manager = ReportViewBuilder.Build(Input(Audiences.BusinessManager, five) with { RowsGiven = 5 }, "log-odds");
        var scientist = ReportViewBuilder.Build(Input(Audiences.DataScientist, five) with { RowsGiven = 5 }, "log-odds");
        Assert.True(manager.SmallSample);
        Assert.InRange(manager.LargestShareStandardError!.Value, 0, 1e-12);
        Assert.Equal("the shares below rest on 5 cases that the model weighs almost alike; other kinds of case may weigh the factors differently.", manager.SmallSampleNote);
        var dsSampling = Assert.Single(scientist.Omissions, o => o.Kind == "sampling");
        Assert.Contains("every standard error is below 0.05 percentage points of share", dsSampling.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("E-", dsSampling.Description, StringComparison.Ordinal);
        Assert.Empty(dsSampling.Features);
        Assert.Contains("**Few cases:** the shares below rest on 5 cases", Service.Renderer.RenderReport(manager, "md"), StringComparison.Ordinal);

        // A rough sample: the caution and the omission give the same number, to one decimal of a point.
        var sixty = ReportViewBuilder.Build(Input(Audiences.BusinessManager, data), "log-odds");
        string points = (sixty.LargestShareStandardError!.Value * 100).ToString("0.0", CultureInfo.InvariantCulture);
        Assert.Contains($"about {points} percentage points", Assert.Single(sixty.Omissions, o => o.Kind == "sampling").Description, StringComparison.Ordinal);
        Assert.Equal(sixty.SmallSample, sixty.SmallSampleNote.Contains($"about {points} percentage points", StringComparison.Ordinal));

        // One row: no "on average", no "cases" in the plural; the direction is that of the row's own SHAP value.
        var one = Copies(1);
        var single = ReportViewBuilder.Build(Input(Audiences.BusinessManager, one) with { RowsGiven = 1 }, "log-odds");
        Assert.All(single.Features, f => Assert.Equal(
            data.Shap[data.FeatureNames.ToList().IndexOf(f.Name)] > 0 ? "raises" : "lowers", f.Direction));
        Assert.All(single.Features, f => Assert.DoesNotContain("on average", f.DirectionText, StringComparison.Ordinal));
        Assert.All(single.Features, f => Assert.Contains("for this case", f.DirectionText, StringComparison.Ordinal));
        Assert.Equal("How strongly each main driver moved the assessment of this one case; longer bar = stronger driver.", single.Importance.Caption);
        var singleScientist = ReportViewBuilder.Build(Input(Audiences.DataScientist, one) with { RowsGiven = 1, Bins = 1 }, "log-odds");
        Assert.StartsWith("Mean |SHAP| over 1 row, in log-odds", singleScientist.Importance.Caption, StringComparison.Ordinal);
        Assert.Equal("no rows dropped: the one row given is summarized", Assert.Single(singleScientist.Omissions, o => o.Kind == "rows").Description);
        Assert.StartsWith("individual rows are not plotted: beeswarms show 1 equal-width bin of SHAP values", Assert.Single(singleScientist.Omissions, o => o.Kind == "binned").Description, StringComparison.Ordinal);

        // A feature whose SHAP values are all 0 made no difference: it does not "work both ways".
        var idle = Copies(40, (r, f) => f == 0 ? 0 : data.Shap[(r * m) + f]);
        var quiet = ReportViewBuilder.Build(Input(Audiences.DataScientist, idle) with { RowsGiven = 40 }, "log-odds").Features.Single(f => f.Name == data.FeatureNames[0]);
        Assert.Equal(("none", "made no difference to whether the application is declined for any of these cases"), (quiet.Direction, quiet.DirectionText));
        // For a business manager it is no driver, even with room for every feature.
        var all = AudiencePolicies.For(Audiences.BusinessManager) with { TopK = m };
        var idleManager = ReportViewBuilder.Build(Input(Audiences.BusinessManager, idle, policy: all) with { RowsGiven = 40 }, "log-odds");
        Assert.Equal(m - 1, idleManager.Features.Count);
        Assert.DoesNotContain(idleManager.Features, f => f.Name == data.FeatureNames[0]);
        Assert.Equal([TestData.CreditCard().Features.Single(f => f.Name == data.FeatureNames[0]).DisplayName["en"]], Assert.Single(idleManager.Omissions, o => o.Kind == "beyond-top-k").Features);
        Assert.All(idleManager.Omissions.Where(o => o.Kind == "sampling"), o => Assert.Empty(o.Features));

        // Every SHAP value 0: the business manager is told no factor moved the cases, not given five drivers of 0%; no
        // empty text bar (an empty code span) is printed.
        var nothing = Copies(40, (_, _) => 0);
        var still = ReportViewBuilder.Build(Input(Audiences.BusinessManager, nothing) with { RowsGiven = 40 }, "log-odds");
        Assert.True(still.NoInfluence);
        Assert.Empty(still.Features);
        Assert.Equal($"no driver is named: none of the {m} factors made any difference to these cases", Assert.Single(still.Omissions, o => o.Kind == "beyond-top-k").Description);
        string stillMd = Service.Renderer.RenderReport(still, "md");
        Assert.Contains("No factor moved these assessments", stillMd, StringComparison.Ordinal);
        Assert.DoesNotContain("``", stillMd, StringComparison.Ordinal);
        Assert.DoesNotContain("| Driver | Influence |", stillMd, StringComparison.Ordinal);
        Assert.Contains("id=\"no-influence\"", Service.Renderer.RenderReport(still, "html"), StringComparison.Ordinal);
        var stillScientist = ReportViewBuilder.Build(Input(Audiences.DataScientist, nothing) with { RowsGiven = 40 }, "log-odds");
        Assert.Equal(m, stillScientist.Features.Count);
        Assert.DoesNotContain("``", Service.Renderer.RenderReport(stillScientist, "md"), StringComparison.Ordinal);
        Assert.False(sixty.NoInfluence);

        // Drift against five rows: the statistics are noise at that size, and the report says so; at 60 rows each it does not.
        var drift = ReportViewBuilder.Build(Input(Audiences.DataScientist, data, baseline: five), "log-odds").Drift!;
        Assert.Equal("Few rows: the baseline data has 5 rows (under 30), so PSI and changes of mean |SHAP| are mostly sampling noise; read the flags as prompts to look, not as findings.", drift.Caveat);
        Assert.Equal("", ReportViewBuilder.Build(Input(Audiences.DataScientist, data, baseline: data), "log-odds").Drift!.Caveat);
        Assert.Equal("Few rows: the baseline data has 5 rows and the current data 1 row (under 30), so PSI and changes of mean |SHAP| are mostly sampling noise; read the flags as prompts to look, not as findings.",
            ReportViewBuilder.DriftCaveat(5, 1));
        Assert.Equal("no cases dropped: the one case given is summarized", Assert.Single(single.Omissions, o => o.Kind == "rows").Description);
        var managerDrift = ReportViewBuilder.Build(Input(Audiences.BusinessManager, data, baseline: five), "log-odds");
        Assert.Contains("**Few cases: the earlier period has 5 cases (under 30)", Service.Renderer.RenderReport(managerDrift, "md"), StringComparison.Ordinal);
        Assert.Contains("(5 cases earlier against 60 cases now)", Service.Renderer.RenderReport(managerDrift, "md"), StringComparison.Ordinal);
    }

    [Fact]
    public void Spread_is_the_population_standard_deviation_and_range_of_the_shap_values()
    {
        var data = Data();
        var summary = GlobalSummarizer.Summarize(data, new SummaryOptions(Bins: 6));
        for (int f = 0; f < data.FeatureNames.Count; f++)
        {
            var column = Enumerable.Range(0, Rows).Select(r => data.Phi(r, f)).ToArray();
            double mean = column.Average();
            double sd = Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / Rows);

            var (spread, min, max) = ReportViewBuilder.Spread(summary.Features[f]);

            Assert.Equal(sd, spread, 10);
            Assert.Equal((column.Min(), column.Max()), (min, max));
        }
    }

    [Fact]
    public void Charts_of_the_top_k_have_a_point_per_non_empty_beeswarm_bin_and_per_dependence_bin_and_the_rest_is_measured()
    {
        var input = Input(Audiences.DataScientist, Data());
        var view = ReportViewBuilder.Build(input, "log-odds");

        var top = input.Summary.Features.OrderByDescending(f => f.MeanAbsShap).Take(5).ToList();
        Assert.Equal(top.Select(f => f.Name), view.Beeswarms.Select(c => c.Feature));
        Assert.Equal(top.Select(f => f.Name), view.Dependences.Select(c => c.Feature));
        for (int i = 0; i < top.Count; i++)
        {
            Assert.Equal(top[i].Beeswarm.Count(b => b.Count > 0), view.Beeswarms[i].Marks.Count);
            Assert.Equal(Rows, view.Beeswarms[i].Marks.Sum(m => m.Count));
            Assert.Equal(top[i].Dependence.Select(b => b.MeanShap), view.Dependences[i].Marks.Select(m => m.Value));
        }

        var beyond = Assert.Single(view.Omissions, o => o.Kind == "beyond-top-k");
        double total = input.Summary.Features.Sum(f => f.MeanAbsShap);
        double rest = input.Summary.Features.OrderByDescending(f => f.MeanAbsShap).Skip(5).Sum(f => f.MeanAbsShap) / total;
        Assert.Equal(rest, beyond.Share!.Value, 12);
        Assert.Contains(rest.ToString("0.0%", CultureInfo.InvariantCulture), beyond.Description, StringComparison.Ordinal);
        Assert.Contains(view.Omissions, o => o.Kind == "binned" && o.Description.Contains("6 equal-width bins", StringComparison.Ordinal));
        Assert.Contains(view.Omissions, o => o.Kind == "rows" && o.Description == "no rows dropped: all 60 rows given are summarized");
    }

    [Fact]
    public void Hidden_tags_drop_the_features_and_their_groups_and_measure_what_they_carried()
    {
        var policy = AudiencePolicies.For(Audiences.BusinessManager) with { HiddenTags = ["protected"] };
        var input = Input(Audiences.BusinessManager, Data(), policy: policy);
        var view = ReportViewBuilder.Build(input, "log-odds");

        Assert.DoesNotContain(view.Features, f => f.Name is "age" or "personal_status");
        Assert.DoesNotContain(view.Groups, g => g.Name == "Personal");
        var hidden = Assert.Single(view.Omissions, o => o.Kind == "hidden-tagged");
        double total = input.Summary.Features.Sum(f => f.MeanAbsShap);
        Assert.Equal(input.Summary.Features.Where(f => f.Name is "age" or "personal_status").Sum(f => f.MeanAbsShap) / total, hidden.Share!.Value, 12);
        Assert.Equal(["Age", "Sex and marital status"], hidden.Features);
        // In the business manager's words and whole percent, as the report prints its shares: no "mean |SHAP|".
        Assert.Equal($"2 factors tagged protected left out by policy, carrying {hidden.Share!.Value.ToString("0%", CultureInfo.InvariantCulture)} of the model's overall influence; with 1 area holding them (Personal)", hidden.Description);
        Assert.Equal(5, view.Features.Count);
        Assert.Empty(view.Beeswarms);
    }

    [Fact]
    public void Drift_chart_has_a_bar_per_feature_signed_by_the_change_and_red_when_flagged()
    {
        var view = ReportViewBuilder.Build(Input(Audiences.DataScientist, Data(scaleDuration: 3), baseline: Data()), "log-odds");

        var drift = view.Drift!;
        Assert.Equal(7, drift.Chart.Marks.Count);
        var duration = drift.Features[0];
        Assert.Equal(("duration", true), (duration.Name, duration.Flagged));
        Assert.Equal(2.0, duration.RelativeChange!.Value, 10);
        Assert.Equal(1, drift.Flagged);
        Assert.All(drift.Features.Skip(1), f => Assert.Equal((0.0, ""), (f.Change, f.Flags)));
        var bar = drift.Chart.Marks[0];
        Assert.Equal(("duration", ReportCharts.FlaggedFill), (bar.Label, bar.Fill));
        Assert.True(bar.Width > 0 && bar.X >= drift.Chart.Marks[1].X, "a rise is drawn right of the axis");
        Assert.All(drift.Chart.Marks.Skip(1), m => Assert.Equal((0.0, ReportCharts.UnflaggedFill), (m.Width, m.Fill)));
    }

    [Fact]
    public void Data_scientist_reports_print_the_summary_numbers_rounded_to_four_decimals()
    {
        var input = Input(Audiences.DataScientist, Data(scaleDuration: 3), baseline: Data());
        var view = ReportViewBuilder.Build(input, "log-odds");

        string md = Service.Renderer.RenderReport(view, "md");
        string html = Service.Renderer.RenderReport(view, "html");

        foreach (var f in view.Features)
        {
            string meanAbs = f.MeanAbsShap.ToString("0.0000", CultureInfo.InvariantCulture);
            Assert.Contains($"| {f.Rank} | {f.DisplayName} (`{f.Name}`) | {f.Group} | {meanAbs} |", md, StringComparison.Ordinal);
            Assert.Contains($"<td class=\"n mean-abs\">{meanAbs}</td>", html, StringComparison.Ordinal);
        }

        var d = view.Drift!.Features[0];
        Assert.Contains($"| **Loan duration** | {d.BaselineMeanAbs.ToString("0.0000", CultureInfo.InvariantCulture)} | {d.CurrentMeanAbs.ToString("0.0000", CultureInfo.InvariantCulture)} | +", md, StringComparison.Ordinal);
        Assert.Contains("| +200.0% |", md, StringComparison.Ordinal);
        var bin = input.Summary.Features.Single(f => f.Name == view.Dependences[0].Feature).Dependence.First(b => b.Count > 0);
        Assert.Contains(
            $"| {bin.Label} | {bin.Count} | {bin.MeanShap.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture)} | {bin.StandardDeviationShap.ToString("0.0000", CultureInfo.InvariantCulture)} |",
            md, StringComparison.Ordinal);
        Assert.Contains("(features below 1.0% of the largest mean \\|SHAP\\| are never flagged)", md, StringComparison.Ordinal);
        Assert.Contains("- **Base value** (mean over the rows): -0.8500 log-odds", md, StringComparison.Ordinal);
        Assert.Contains("## What this report leaves out", md, StringComparison.Ordinal);
        Assert.Equal(view.Beeswarms.Count, CountOf(html, "data-chart=\"beeswarm\""));
        Assert.Equal(view.Importance.Marks.Count, CountOf(html[html.IndexOf("data-chart=\"importance\"", StringComparison.Ordinal)..html.IndexOf("</svg>", html.IndexOf("data-chart=\"importance\"", StringComparison.Ordinal), StringComparison.Ordinal)], "<rect "));
    }

    [Fact]
    public void Business_manager_markdown_names_the_drivers_with_card_descriptions_and_the_flagged_drift_in_plain_words()
    {
        var view = ReportViewBuilder.Build(Input(Audiences.BusinessManager, Data(scaleDuration: 3), baseline: Data()), "log-odds");

        string md = Service.Renderer.RenderReport(view, "md");

        Assert.Contains("1. **Loan duration** (", md, StringComparison.Ordinal);
        Assert.Contains("How long the loan runs", md, StringComparison.Ordinal);
        Assert.Contains("- Loan duration weighs 200% more than before in deciding whether the application is declined", md, StringComparison.Ordinal);
        Assert.Contains("**1** factor changed enough to need a review", md, StringComparison.Ordinal);
        Assert.DoesNotContain("log-odds)", md.Split("## What this report leaves out")[0], StringComparison.Ordinal);
        Assert.Contains("6 factors whose influence changed less than the review thresholds", md, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("customer", "md", "audience 'customer' has no report; expected one of: data-scientist, business-manager")]
    [InlineData("data-scientist", "text", "unknown format 'text'; expected one of: html, md")]
    public void A_report_for_another_audience_or_format_is_refused(string audience, string format, string message)
    {
        var view = ReportViewBuilder.Build(Input(Audiences.DataScientist, Data()), "log-odds") with { Audience = audience };

        var e = Assert.Throws<ArgumentException>(() => Service.Renderer.RenderReport(view, format));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
