namespace Explainability.Views.Reports;

/// <summary>
/// A global report for one audience: what a model's explanations over a dataset say, projected under the audience's policy,
/// with its charts laid out and a measured record of what it leaves out. Built by <see cref="ReportViewBuilder"/>, rendered by
/// <c>templates/&lt;audience&gt;/report.&lt;format&gt;.scriban</c>; a template sees this and nothing else. Amounts are in
/// <see cref="Unit"/>. Immutable.
/// </summary>
public sealed record ReportView
{
    /// <summary>Who the report is for (<c>data-scientist</c> or <c>business-manager</c>).</summary>
    public required string Audience { get; init; }

    /// <summary>Language code of the report (its template's).</summary>
    public required string Language { get; init; }

    /// <summary>Model id.</summary>
    public required string ModelId { get; init; }

    /// <summary>Model version.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>SHA-256 of the ONNX file, hex.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>The card's description of the model; empty without one.</summary>
    public required string ModelDescription { get; init; }

    /// <summary>What the explained output means (the card's output description, or the output's name).</summary>
    public required string OutputDescription { get; init; }

    /// <summary>The explained output (class label or target name).</summary>
    public required string ExplainedOutput { get; init; }

    /// <summary>The sentence of the outcome the explained output stands for (the card's positive outcome), or the output's name.</summary>
    public required string PositiveOutcome { get; init; }

    /// <summary>The explainer (<c>tree_path_dependent</c>, ...).</summary>
    public required string Method { get; init; }

    /// <summary><c>margin</c> or <c>probability</c>.</summary>
    public required string OutputSpace { get; init; }

    /// <summary>Unit of every amount: <c>log-odds</c> (margin of a classifier), <c>margin units</c> or <c>probability</c>.</summary>
    public required string Unit { get; init; }

    /// <summary>Rows summarized (the current dataset's, with a drift section).</summary>
    public required int Rows { get; init; }

    /// <summary>The largest standard error of a listed feature's share (0..1) as an estimate from <see cref="Rows"/>
    /// rows; null over fewer than 2 rows.</summary>
    public required double? LargestShareStandardError { get; init; }

    /// <summary>Whether the rows are too few for the shares to be read as settled: under
    /// <see cref="ReportViewBuilder.FewRows"/> rows, or a listed share with a standard error of
    /// <see cref="ReportViewBuilder.RoughShareStandardError"/> or more.</summary>
    public required bool SmallSample { get; init; }

    /// <summary>The business manager's "Few cases" caution when <see cref="SmallSample"/>, in the numbers of the
    /// <c>sampling</c> omission (one decimal of a percentage point); empty otherwise.</summary>
    public string SmallSampleNote { get; init; } = "";

    /// <summary>Whether every SHAP value of the rows is 0 (no factor moved any case from the base value): a business
    /// manager's report then names no drivers and says so.</summary>
    public bool NoInfluence { get; init; }

    /// <summary>Rows given that were not summarized (0: every row given is in the report).</summary>
    public required int RowsDropped { get; init; }

    /// <summary>Mean base value of the explained output over the rows, in <see cref="Unit"/>.</summary>
    public required double BaseValue { get; init; }

    /// <summary>What reproduces the numbers (covers source, background hash, ...).</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>Bins of the beeswarm histograms and dependence curves.</summary>
    public required int Bins { get; init; }

    /// <summary>How many of the strongest features get beeswarm and dependence charts (data scientist) or are named as
    /// main drivers (business manager): the policy's <c>topK</c>.</summary>
    public required int TopK { get; init; }

    /// <summary>The features shown, strongest first: every feature not hidden by the policy (data scientist) or the top
    /// <see cref="TopK"/> of them (business manager).</summary>
    public required IReadOnlyList<ReportFeature> Features { get; init; }

    /// <summary>The card's feature groups without a hidden member, strongest first; empty without groups.</summary>
    public required IReadOnlyList<ReportGroup> Groups { get; init; }

    /// <summary>One bar per entry of <see cref="Features"/>: its mean |SHAP|.</summary>
    public required ReportChart Importance { get; init; }

    /// <summary>One beeswarm chart per charted feature (<see cref="ReportFeature.Charted"/>), strongest first; empty for the business manager.</summary>
    public required IReadOnlyList<ReportChart> Beeswarms { get; init; }

    /// <summary>One dependence chart per charted feature, strongest first; empty for the business manager.</summary>
    public required IReadOnlyList<ReportChart> Dependences { get; init; }

    /// <summary>Whether SHAP interaction values were computed.</summary>
    public required bool InteractionsComputed { get; init; }

    /// <summary>The strongest interaction pairs, strongest first; empty when none were computed or shown.</summary>
    public required IReadOnlyList<ReportInteraction> Interactions { get; init; }

    /// <summary>The column the cohorts split by, or null.</summary>
    public required string? CohortColumn { get; init; }

    /// <summary>One entry per cohort; empty without a cohort column.</summary>
    public required IReadOnlyList<ReportCohort> Cohorts { get; init; }

    /// <summary>The drift section, or null without a comparison dataset.</summary>
    public required ReportDrift? Drift { get; init; }

    /// <summary>What the report leaves out, measured.</summary>
    public required IReadOnlyList<ReportOmission> Omissions { get; init; }
}
