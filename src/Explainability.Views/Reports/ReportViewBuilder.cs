using System.Globalization;
using Explainability.Core.Data;
using Explainability.Core.Drift;
using Explainability.Core.Summaries;
using Explainability.Views.ModelCards;
using Explainability.Views.Rendering;

namespace Explainability.Views.Reports;

/// <summary>
/// Projects a global summary (and a drift comparison) into an audience's <see cref="ReportView"/>. Both audiences lose the
/// features the policy's <c>hiddenTags</c> hide (and the feature groups holding one). The data scientist gets every other
/// feature with its numbers, beeswarm and dependence charts of the policy's top k, interactions, cohorts and every
/// feature's drift; the business manager gets the top k features as main drivers in plain words, the feature groups, and
/// the flagged drift in plain words. Every loss is measured in <see cref="ReportView.Omissions"/>.
/// </summary>
public static class ReportViewBuilder
{
    /// <summary>The audiences that have reports.</summary>
    public static IReadOnlyList<string> ReportAudiences { get; } = [Audiences.DataScientist, Audiences.BusinessManager];

    /// <summary>Interaction pairs a data scientist's report lists at most.</summary>
    public const int MaxInteractionPairs = 10;

    /// <summary>|mean SHAP| below this share of mean |SHAP| is called <c>mixed</c>: the feature raises and lowers the
    /// output about equally often.</summary>
    public const double MixedDirectionShare = 0.1;

    /// <summary>Fewer rows than this make a report a small sample (<see cref="ReportView.SmallSample"/>).</summary>
    public const int FewRows = 30;

    /// <summary>A listed share with a standard error of this much (0..1) or more makes a report a small sample.</summary>
    public const double RoughShareStandardError = 0.02;

    /// <summary>Builds the report.</summary>
    /// <param name="input">Summary, model, policy, and optionally the drift.</param>
    /// <param name="unit">Unit of the summary's amounts (<c>log-odds</c>, ...).</param>
    /// <exception cref="ArgumentException">The audience has no report (the message lists those that have), or the drift is
    /// not of the summary's features.</exception>
    public static ReportView Build(ReportInput input, string unit)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(unit);
        RequireAudience(input.Audience);
        bool scientist = input.Audience == Audiences.DataScientist;
        var summary = input.Summary;
        var card = input.Card;
        string outcome = card is { Output.PositiveOutcome.Length: > 0 } ? card.Output.PositiveOutcome : $"the output '{summary.OutputName}' is high";
        var hidden = summary.Features.Where(f => Card(card, f.Name) is { } c && input.Policy.HiddenTags.Any(c.Tags.Contains)).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        double total = summary.Features.Sum(f => f.MeanAbsShap);
        double Share(double v) => total > 0 ? v / total : 0;

        var visible = summary.Features.Where(f => !hidden.Contains(f.Name)).OrderByDescending(f => f.MeanAbsShap).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        // Every SHAP value 0: no factor moved any case, so a business manager is told that rather than given drivers of 0%.
        bool noInfluence = total <= 0;
        int k = Math.Min(input.Policy.TopK, visible.Count);
        // A business manager's drivers moved something: a feature whose SHAP values are all 0 is no driver.
        if (!scientist)
        {
            k = Math.Min(k, visible.Count(f => f.MeanAbsShap > 0));
        }

        var shownSummaries = scientist ? visible : visible.Take(k).ToList();
        double largest = shownSummaries.Count == 0 ? 0 : shownSummaries.Max(f => f.MeanAbsShap);
        var features = shownSummaries.Select((f, i) =>
        {
            var (sd, min, max) = Spread(f);
            var (direction, text) = Direction(f.MeanShap, f.MeanAbsShap, outcome, summary.RowCount);
            return new ReportFeature(i + 1, f.Name, Display(card, f.Name), Card(card, f.Name)?.Description ?? "", Card(card, f.Name)?.Group ?? "",
                f.MeanAbsShap, f.MeanShap, sd, min, max, Share(f.MeanAbsShap), direction, text,
                TextBar.Horizontal(largest > 0 ? f.MeanAbsShap / largest : 0), i < k,
                f.MeanAbsShapStandardError, f.MeanAbsShapStandardError is { } se ? Share(se) : null);
        }).ToList();

        var groups = GroupsOf(summary, card, hidden, outcome, total, scientist);
        double? largestShareError = features.Count == 0 || features.Any(f => f.ShareStandardError is null) ? null : features.Max(f => f.ShareStandardError);
        bool smallSample = summary.RowCount < FewRows || largestShareError >= RoughShareStandardError;
        var charted = features.Where(f => f.Charted).Select(f => summary.Features.First(s => s.Name == f.Name)).ToList();
        string importanceCaption = scientist
            ? $"Mean |SHAP| over {Count(summary.RowCount, "row")}, in {unit}; bar length proportional to the value, strongest first."
            : summary.RowCount == 1
                ? "How strongly each main driver moved the assessment of this one case; longer bar = stronger driver."
                : $"How strongly each main driver moved the assessments over {summary.RowCount} cases on average; longer bar = stronger driver.";
        var importance = ReportCharts.Importance([.. features.Select(f => (f.DisplayName, f.Name, f.MeanAbsShap))], unit,
            scientist ? "Global importance: mean |SHAP| per feature" : "Main drivers of the assessments", importanceCaption);

        var interactions = scientist && summary.Interactions is { } ix
            ? ix.Pairs.Where(p => !hidden.Contains(p.FeatureA) && !hidden.Contains(p.FeatureB)).Take(MaxInteractionPairs)
                .Select(p => new ReportInteraction(Display(card, p.FeatureA), Display(card, p.FeatureB), p.MeanAbsInteraction)).ToList()
            : [];
        var cohorts = scientist ? Cohorts(input, card, hidden) : [];
        var drift = input.Drift is null ? null : Drift(input, card, hidden, scientist, unit, outcome);

        return new ReportView
        {
            Audience = input.Audience,
            Language = "en",
            ModelId = input.ModelId,
            ModelVersion = input.ModelVersion,
            ModelSha256 = input.ModelSha256,
            ModelDescription = card?.Description ?? "",
            OutputDescription = card is { Output.Description.Length: > 0 } ? card.Output.Description : summary.OutputName,
            ExplainedOutput = summary.OutputName,
            PositiveOutcome = outcome,
            Method = summary.Method,
            OutputSpace = summary.OutputSpace.ToString().ToLowerInvariant(),
            Unit = unit,
            Rows = summary.RowCount,
            LargestShareStandardError = largestShareError,
            SmallSample = smallSample,
            SmallSampleNote = smallSample ? SmallSampleNote(summary.RowCount, largestShareError) : "",
            NoInfluence = noInfluence,
            RowsDropped = Math.Max(0, input.RowsGiven - summary.RowCount),
            BaseValue = input.BaseValue,
            Parameters = input.Parameters,
            Bins = input.Bins,
            TopK = k,
            Features = features,
            Groups = groups,
            Importance = importance,
            Beeswarms = scientist ? [.. charted.Select(f => ReportCharts.Beeswarm(f.Name, Display(card, f.Name), f.Beeswarm, unit))] : [],
            Dependences = scientist ? [.. charted.Select(f => ReportCharts.Dependence(f.Name, Display(card, f.Name), f.Dependence, unit))] : [],
            InteractionsComputed = summary.Interactions is not null,
            Interactions = interactions,
            CohortColumn = scientist ? input.CohortColumn : null,
            Cohorts = cohorts,
            Drift = drift,
            Omissions = Omissions(input, card, hidden, visible, k, scientist, total, interactions.Count, drift, unit, features),
        };
    }

    /// <summary>Throws unless <paramref name="audience"/> has a report.</summary>
    /// <exception cref="ArgumentException">It has none; the message lists those that have.</exception>
    public static string RequireAudience(string audience) =>
        ReportAudiences.Contains(audience, StringComparer.Ordinal)
            ? audience
            : throw new ArgumentException($"audience {MessageText.Quote(audience)} has no report; expected one of: {string.Join(", ", ReportAudiences)}", nameof(audience));

    /// <summary>The population standard deviation, minimum and maximum of a feature's SHAP values, from its summary: the
    /// standard deviation by the law of total variance over the dependence bins (each with its rows, mean and population
    /// standard deviation), the extremes from the beeswarm histogram's edges.</summary>
    public static (double StandardDeviation, double Min, double Max) Spread(FeatureSummary feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        int n = feature.Dependence.Sum(b => b.Count);
        double sd = 0;
        if (n > 0)
        {
            double mean = feature.Dependence.Sum(b => b.Count * b.MeanShap) / n;
            double variance = feature.Dependence.Sum(b => b.Count * ((b.StandardDeviationShap * b.StandardDeviationShap) + ((b.MeanShap - mean) * (b.MeanShap - mean)))) / n;
            sd = Math.Sqrt(Math.Max(0, variance));
        }

        return feature.Beeswarm.Count == 0 ? (sd, 0, 0) : (sd, feature.Beeswarm[0].Lower, feature.Beeswarm[^1].Upper);
    }

    /// <summary>Which way a feature (or group) moves the outcome: <c>none</c> when its SHAP values are all 0,
    /// <c>mixed</c> when |mean SHAP| is under <see cref="MixedDirectionShare"/> of mean |SHAP|, else <c>raises</c> or
    /// <c>lowers</c>; the text fits one case (no "on average", no "some cases") when there is one row.</summary>
    private static (string Direction, string Text) Direction(double mean, double meanAbs, string outcome, int rows)
    {
        if (meanAbs <= 0)
        {
            return ("none", rows == 1 ? $"made no difference to whether {outcome} for this case" : $"made no difference to whether {outcome} for any of these cases");
        }

        if (rows == 1)
        {
            return mean > 0 ? ("raises", $"made it more likely, for this case, that {outcome}") : ("lowers", $"made it less likely, for this case, that {outcome}");
        }

        if (Math.Abs(mean) < MixedDirectionShare * meanAbs)
        {
            return ("mixed", $"works both ways: it makes it more likely that {outcome} for some cases and less likely for others, about equally");
        }

        return mean > 0
            ? ("raises", $"makes it more likely, on average, that {outcome}")
            : ("lowers", $"makes it less likely, on average, that {outcome}");
    }

    /// <summary>The groups without a hidden member, strongest first. A group's own mean |summed SHAP| is smaller than its
    /// members' mean |SHAP| added up when they push rows in opposite directions, so its share of the groups' total and
    /// the members' shares of the features' total differ; both are given, with the part that cancels. A data scientist's
    /// report orders them by mean |summed SHAP|, a business manager's by the members' shares (the figure it shows).</summary>
    private static List<ReportGroup> GroupsOf(GlobalSummary summary, ModelCard? card, HashSet<string> hidden, string outcome, double featuresTotal, bool scientist)
    {
        var shown = summary.Groups.Where(g => !g.Features.Any(hidden.Contains)).ToList();
        double total = shown.Sum(g => g.MeanAbsShap);
        var meanAbs = summary.Features.ToDictionary(f => f.Name, f => f.MeanAbsShap, StringComparer.Ordinal);
        var groups = shown.Select(g =>
        {
            var (direction, text) = Direction(g.MeanShap, g.MeanAbsShap, outcome, summary.RowCount);
            double members = g.Features.Sum(f => meanAbs.GetValueOrDefault(f));
            return new ReportGroup(g.Name, [.. g.Features.Select(f => Display(card, f))], g.MeanAbsShap, g.MeanShap, total > 0 ? g.MeanAbsShap / total : 0, direction, text,
                featuresTotal > 0 ? members / featuresTotal : 0, members > 0 ? Math.Max(0, 1 - (g.MeanAbsShap / members)) : 0);
        });
        return [.. groups.OrderByDescending(g => scientist ? g.MeanAbsShap : g.MembersShare).ThenBy(g => g.Name, StringComparer.Ordinal)];
    }

    private static List<ReportCohort> Cohorts(ReportInput input, ModelCard? card, HashSet<string> hidden)
    {
        var names = input.Summary.Features.Select(f => f.Name).ToList();
        return [.. input.Cohorts.Select(c =>
        {
            var top = c.Summary.Features.Where(f => !hidden.Contains(f.Name)).OrderByDescending(f => f.MeanAbsShap).FirstOrDefault();
            int largest = Enumerable.Range(0, names.Count).Where(i => !hidden.Contains(names[i]))
                .OrderByDescending(i => Math.Abs(c.MeanAbsShapDifference[i])).DefaultIfEmpty(-1).First();
            return new ReportCohort(c.Value.Length == 0 ? "(missing)" : c.Value, c.Summary.RowCount,
                top is null ? "" : Display(card, top.Name), top?.MeanAbsShap ?? 0,
                largest < 0 ? "" : Display(card, names[largest]), largest < 0 ? 0 : c.MeanAbsShapDifference[largest]);
        })];
    }

    private static ReportDrift Drift(ReportInput input, ModelCard? card, HashSet<string> hidden, bool scientist, string unit, string outcome)
    {
        var thresholds = input.DriftThresholds ?? new DriftThresholds();
        var names = input.Summary.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        if (input.Drift!.Any(d => !names.Contains(d.Feature)))
        {
            throw new ArgumentException($"the drift names features the summary does not have: {string.Join(", ", input.Drift!.Where(d => !names.Contains(d.Feature)).Select(d => d.Feature))}");
        }

        var features = input.Drift!.Where(d => !hidden.Contains(d.Feature))
            .OrderByDescending(d => d.Flagged).ThenByDescending(d => Math.Abs(d.MeanAbsChange)).ThenBy(d => d.Feature, StringComparer.Ordinal)
            .Select(d => new ReportDriftFeature(d.Feature, Display(card, d.Feature), Card(card, d.Feature)?.Group ?? "", d.BaselineMeanAbs, d.CurrentMeanAbs,
                d.MeanAbsChange, double.IsFinite(d.RelativeChange) ? d.RelativeChange : null, d.Psi, d.Wasserstein, string.Join(", ", d.Flags), d.Flagged,
                Sentence(d, Display(card, d.Feature), outcome)))
            .ToList();
        string caption = scientist
            ? $"Change of mean |SHAP| from the baseline ({Count(input.BaselineRows, "row")}) to the current data ({Count(input.Summary.RowCount, "row")}), in {unit}; red = flagged (PSI >= {Plain(thresholds.Psi)} or mean |SHAP| changed by >= {thresholds.RelativeMeanAbsChange.ToString("#,0.0##%", CultureInfo.InvariantCulture)})."
            : "How much each factor's influence on the assessments grew (right) or shrank (left) since the earlier period; red = a change large enough to review.";
        var chart = ReportCharts.Drift([.. features.Select(f => (f.DisplayName, f.Name, f.Change, f.Flagged))], unit,
            scientist ? "Attribution drift: change of mean |SHAP| per feature" : "Change in influence since the earlier period", caption);
        return new ReportDrift(input.BaselineRows, input.Summary.RowCount, thresholds.Psi, thresholds.RelativeMeanAbsChange, thresholds.MinimumMeanAbsShare,
            features.Count(f => f.Flagged), features, chart, DriftCaveat(input.BaselineRows, input.Summary.RowCount, scientist));
    }

    private static string Sentence(FeatureDrift d, string label, string outcome)
    {
        string how = !double.IsFinite(d.RelativeChange) ? "had no influence before and has some now"
            : d.RelativeChange >= 0 ? $"weighs {WholePercent(d.RelativeChange)} more than before"
            : $"weighs {WholePercent(-d.RelativeChange)} less than before";
        bool weight = d.Flags.Contains("mean_abs_change"), shape = d.Flags.Contains("psi");
        return (weight, shape) switch
        {
            (true, true) => $"{label} {how} in deciding whether {outcome}, and the way it affects individual cases has shifted. Worth a review.",
            (true, false) => $"{label} {how} in deciding whether {outcome}. Worth a review.",
            (false, true) => $"{label} has much the same overall weight ({how}), but the way it affects individual cases has shifted. Worth a review.",
            _ => $"{label} {how}; within the normal range.",
        };
    }

    private static List<ReportOmission> Omissions(
        ReportInput input, ModelCard? card, HashSet<string> hidden, List<FeatureSummary> visible, int k, bool scientist, double total, int pairsShown, ReportDrift? drift, string unit,
        List<ReportFeature> listed)
    {
        var summary = input.Summary;
        double Share(IEnumerable<FeatureSummary> fs) => total > 0 ? fs.Sum(f => f.MeanAbsShap) / total : 0;
        var list = new List<ReportOmission>();
        if (hidden.Count > 0)
        {
            var gone = summary.Features.Where(f => hidden.Contains(f.Name)).ToList();
            var groups = summary.Groups.Where(g => g.Features.Any(hidden.Contains)).Select(g => g.Name).ToList();
            list.Add(new ReportOmission("hidden-tagged",
                (scientist
                    ? $"{Count(gone.Count, "feature")} tagged {string.Join(" or ", input.Policy.HiddenTags)} left out by policy, {Percent(Share(gone))} of the total mean |SHAP|"
                    : $"{Count(gone.Count, "factor")} tagged {string.Join(" or ", input.Policy.HiddenTags)} left out by policy, carrying {WholePercent(Share(gone))} of the model's overall influence")
                + (groups.Count > 0 ? $"; with {Count(groups.Count, scientist ? "feature group" : "area")} holding them ({string.Join(", ", groups)})" : ""),
                [.. gone.Select(f => Display(card, f.Name))], Share(gone)));
        }

        var beyond = visible.Skip(k).ToList();
        if (beyond.Count > 0 && !scientist && total <= 0)
        {
            list.Add(new ReportOmission("beyond-top-k", $"no driver is named: none of the {Count(beyond.Count, "factor")} made any difference to these cases",
                [.. beyond.Select(f => Display(card, f.Name))], 0));
        }
        else if (beyond.Count > 0)
        {
            list.Add(scientist
                ? new ReportOmission("beyond-top-k",
                    $"beeswarm and dependence charts only for the top {k} features: {Count(beyond.Count, "feature")} without them, {Percent(Share(beyond))} of the total mean |SHAP| (their numbers are in the table)",
                    [.. beyond.Select(f => Display(card, f.Name))], Share(beyond))
                : new ReportOmission("beyond-top-k",
                    $"only the {k} strongest drivers are named: {Count(beyond.Count, "other factor")} together account for {WholePercent(Share(beyond))} of the model's overall influence",
                    [.. beyond.Select(f => Display(card, f.Name))], Share(beyond)));
        }

        list.Add(Sampling(summary.RowCount, listed, scientist, unit));
        string rowNoun = scientist ? "row" : "case";
        list.Add(new ReportOmission("rows",
            input.RowsGiven > summary.RowCount
                ? $"{input.RowsGiven - summary.RowCount} of {Count(input.RowsGiven, rowNoun)} given were not summarized"
                : summary.RowCount == 1 ? $"no {rowNoun}s dropped: the one {rowNoun} given is summarized" : $"no {rowNoun}s dropped: all {summary.RowCount} {rowNoun}s given are summarized", [], null));
        if (scientist)
        {
            list.Add(new ReportOmission("binned",
                $"individual rows are not plotted: beeswarms show {Count(input.Bins, "equal-width bin")} of SHAP values (one point per non-empty bin), dependence plots up to {Count(input.Bins, "quantile bin")} of feature values (one per category), each with its mean and standard deviation",
                [], null));
            if (summary.Interactions is null)
            {
                list.Add(new ReportOmission("interactions", "no SHAP interaction values were computed (ask for them with --interactions K, or interactions in the Summarize request; path-dependent TreeSHAP)", [], null));
            }
            else if (summary.Interactions.Pairs.Count > pairsShown)
            {
                list.Add(new ReportOmission("interactions",
                    $"{summary.Interactions.Pairs.Count - pairsShown} of the {summary.Interactions.Pairs.Count} interaction pairs computed among the top {summary.Interactions.Conditioned.Count} features are not listed (the weakest, or with a hidden feature)",
                    [], null));
            }
        }
        else
        {
            list.Add(new ReportOmission("amounts",
                $"amounts in {unit} (mean |SHAP|, base value, spread), beeswarm and dependence charts, and per-case detail are left out: influence is shown as shares of the total",
                [], null));
            if (drift is not null && drift.Features.Count > drift.Flagged)
            {
                var quiet = drift.Features.Where(f => !f.Flagged).ToList();
                list.Add(new ReportOmission("unflagged-drift",
                    $"the drift statistics (PSI, Wasserstein distance) are left out, and {Count(quiet.Count, "factor")} whose influence changed less than the review thresholds {(quiet.Count == 1 ? "is" : "are")} not described in words (the HTML report's drift chart shows every factor)",
                    [.. quiet.Select(f => f.DisplayName)], null));
            }
        }

        return list;
    }

    /// <summary>How far the listed shares are from settled: the report describes these rows, and what it says of the
    /// model in general is an estimate from them, measured by the largest standard error of a listed share.</summary>
    private static ReportOmission Sampling(int rows, List<ReportFeature> listed, bool scientist, string unit)
    {
        var worst = listed.Where(f => f.ShareStandardError is not null).OrderByDescending(f => f.ShareStandardError).FirstOrDefault();
        if (rows < 2 || worst is null)
        {
            return new ReportOmission("sampling",
                scientist
                    ? $"{Count(rows, "row")}: no standard error of mean |SHAP| can be estimated; the numbers describe {(rows == 1 ? "this row" : "these rows")} only"
                    : $"{Count(rows, "case")}: the shares describe {(rows == 1 ? "this case" : "these cases")} only, not how the model weighs its factors in general",
                [], null);
        }

        double share = worst.ShareStandardError!.Value;
        if (share < NegligibleShareStandardError)
        {
            // The rows' SHAP values (nearly) agree, e.g. copies of one row: what is left is rounding, not an error to print.
            return new ReportOmission("sampling",
                scientist
                    ? $"mean |SHAP| values are estimates from {rows} rows, whose SHAP values barely vary: every standard error is below 0.05 percentage points of share; other rows may differ more"
                    : $"the shares are estimated from {rows} cases that the model weighs almost alike: they would hardly change among cases like these, but other kinds of case may differ",
                [], share);
        }

        return new ReportOmission("sampling",
            scientist
                ? $"mean |SHAP| values are estimates from {rows} rows: standard errors up to {worst.MeanAbsShapStandardError!.Value.ToString("G3", CultureInfo.InvariantCulture)} {unit} ({worst.DisplayName}), {Points(share)} percentage points of share"
                : $"the shares are estimated from {rows} cases: a driver's share could be about {Points(share)} percentage points higher or lower on other cases of the same kind (one standard error, largest for {worst.DisplayName})",
            [], share);
    }

    /// <summary>A share's standard error below this (0..1) rounds to 0.0 percentage points and is not printed as a number.</summary>
    private const double NegligibleShareStandardError = 0.0005;

    private static string Points(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>The business manager's "Few cases" caution (<see cref="ReportView.SmallSampleNote"/>), in the numbers of the
    /// <c>sampling</c> omission.</summary>
    private static string SmallSampleNote(int rows, double? largestShareError) => largestShareError switch
    {
        null => rows == 1
            ? "the shares below describe this one case only, not how the model weighs its factors in general."
            : "the shares below describe these cases only, not how the model weighs its factors in general.",
        < NegligibleShareStandardError =>
            $"the shares below rest on {rows} cases that the model weighs almost alike; other kinds of case may weigh the factors differently.",
        { } error => $"with {rows} cases the shares below are rough: one could be about {Points(error)} percentage points higher or lower on other cases of the same kind.",
    };

    /// <summary>A caution for a drift comparison of few rows (either side under <see cref="FewRows"/>): its PSI and changes
    /// of mean |SHAP| are then mostly sampling noise, and the flags say so little that they must be read as such. Empty
    /// when both sides have enough rows.</summary>
    /// <param name="baselineRows">Rows of the baseline dataset.</param>
    /// <param name="currentRows">Rows of the current dataset.</param>
    /// <param name="scientist">Whether the words are for a data scientist (statistics named) or a business manager.</param>
    public static string DriftCaveat(int baselineRows, int currentRows, bool scientist = true)
    {
        int fewest = Math.Min(baselineRows, currentRows);
        if (fewest >= FewRows)
        {
            return "";
        }

        bool both = Math.Max(baselineRows, currentRows) < FewRows;
        string side = baselineRows <= currentRows ? "baseline" : "current";
        string which = scientist
            ? both ? $"the baseline data has {Count(baselineRows, "row")} and the current data {Count(currentRows, "row")}" : $"the {side} data has {Count(fewest, "row")}"
            : both ? $"the earlier period has {Count(baselineRows, "case")} and the current period {Count(currentRows, "case")}"
            : $"the {(side == "baseline" ? "earlier" : "current")} period has {Count(fewest, "case")}";
        return scientist
            ? $"Few rows: {which} (under {FewRows}), so PSI and changes of mean |SHAP| are mostly sampling noise; read the flags as prompts to look, not as findings."
            : $"Few cases: {which} (under {FewRows}), so these changes may be chance; read them as prompts to look, not as findings.";
    }

    private static FeatureCard? Card(ModelCard? card, string name) => card?.Features.FirstOrDefault(f => f.Name == name);

    private static string Display(ModelCard? card, string name) =>
        Card(card, name) is { } f && f.DisplayName.TryGetValue("en", out var display) && display.Length > 0 ? display : name;

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Percent(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    /// <summary>A share in whole percent, as a business manager's report prints its shares (<c>31%</c>); a share that
    /// would round to 0% but is not 0 is "less than 1%".</summary>
    private static string WholePercent(double share) =>
        share > 0 && share < 0.005 ? "less than 1%" : share.ToString("0%", CultureInfo.InvariantCulture);

    private static string Plain(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
