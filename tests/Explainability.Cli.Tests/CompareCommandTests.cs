using Explainability.Server.Explaining;
using Explainability.Server.Models;

namespace Explainability.Cli.Tests;

public sealed class CompareCommandTests
{
    private static readonly string CreditRisk = Path.Combine(RepoRoot.Path, "models", "credit-risk");
    private static readonly string Xgboost = Path.Combine(RepoRoot.Path, "tests", "Explainability.Onnx.Tests", "Fixtures", "moose_xgboost_regressor", "xgboost_regressor.onnx");

    private static readonly string[] XgboostRows =
    [
        "0,1,1,0", "1,0,1,0", "0.2,4,2,6", "0,,1,0", "3,1,0,2", "0.5,2,1,1", "2,0,3,0", "1,1,1,1", "0,3,0,4", "4,2,2,2",
    ];

    [Fact]
    public void Text_lists_every_method_with_its_residual_and_the_pairwise_table()
    {
        using var temp = new TempFolder();
        var (input, background) = XgboostFiles(temp);

        var run = CliRun.Of("compare", "--model", Xgboost, "--input", input, "--background", background,
            "--methods", "interventional,kernel,permutation,exact", "--nsamples", "16", "--top-k", "2");

        Assert.True(run.Code == 0, run.Error);
        Assert.Empty(run.Error);
        Assert.Contains("Reference: exact", run.Output, StringComparison.Ordinal);
        Assert.Contains("max|resid|", run.Output, StringComparison.Ordinal);
        foreach (var method in new[] { "interventional", "kernel", "permutation", "exact *" })
        {
            Assert.Contains("\n" + method, run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("Pairwise agreement", run.Output, StringComparison.Ordinal);
        Assert.Contains("- interventional vs exact: Spearman mean", run.Output, StringComparison.Ordinal);
        Assert.Contains("- kernel vs permutation: Spearman mean", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Interventional_TreeSHAP_matches_exact_SHAP_in_margin_space()
    {
        using var temp = new TempFolder();
        var (input, background) = XgboostFiles(temp);
        using var model = LoadedModel.Load(Xgboost, ["f0", "f1", "f2", "f3"], background);
        var rows = LoadedModel.ReadTable(input, model.Card);

        var comparison = TechniqueComparer.Compare(model, rows, ["interventional", "exact"], "exact",
            new ExplainOptions(OutputSpace: "margin", AllowExtraColumns: true), topK: 2);

        var interventional = comparison.Techniques.Single(t => t.Name == "interventional");
        Assert.NotNull(interventional.MaxAbsDeltaPhi);
        Assert.True(interventional.MaxAbsDeltaPhi < 1e-6, $"max |delta phi| = {interventional.MaxAbsDeltaPhi}");
        Assert.True(comparison.Techniques.Single(t => t.Name == "exact").ModelEvaluations > 0);
        Assert.Equal(0, interventional.ModelEvaluations);
    }

    [Fact]
    public void Html_of_the_credit_model_holds_an_inline_svg_and_no_link()
    {
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(Path.Combine(CreditRisk, "background.csv"));
        string input = Path.Combine(temp.Path, "rows.csv");
        string background = Path.Combine(temp.Path, "bg.csv");
        string report = Path.Combine(temp.Path, "report.html");
        File.WriteAllLines(input, lines.Take(3));
        File.WriteAllLines(background, lines.Take(11));

        var run = CliRun.Of("compare", "--model", CreditRisk, "--input", input, "--background", background,
            "--methods", "tree_path_dependent,interventional,permutation", "--nsamples", "10", "--format", "html", "--out", report);

        Assert.True(run.Code == 0, run.Error);
        string html = File.ReadAllText(report);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("permutation", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("interventional,shapley", "unknown method 'shapley'")]
    [InlineData("interventional", "at least two methods")]
    [InlineData("interventional,interventional", "named twice")]
    [InlineData("interventional,exact", "cannot be explained with method 'exact'")]
    [InlineData("interventional,linear", "cannot be explained with method 'linear'")]
    [InlineData("interventional,,tree_path_dependent", "the methods 'interventional,,tree_path_dependent' have an empty entry (entry 2 of 3)")]
    [InlineData("interventional,tree_path_dependent,", "have an empty entry (entry 3 of 3)")]
    public void Bad_method_lists_exit_2_naming_the_problem(string methods, string message)
    {
        var run = CliRun.Of("compare", "--model", CreditRisk, "--input", Path.Combine(CreditRisk, "background.csv"), "--methods", methods);

        Assert.Equal(CliApp.ErrorExitCode, run.Code);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_outside_the_methods_exits_2()
    {
        var run = CliRun.Of("compare", "--model", CreditRisk, "--input", Path.Combine(CreditRisk, "background.csv"),
            "--methods", "interventional,tree_path_dependent", "--reference", "exact");

        Assert.Equal(CliApp.ErrorExitCode, run.Code);
        Assert.Contains("reference 'exact' is not among the compared methods", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_naming_the_input_is_refused_and_markdown_without_reference_says_none()
    {
        using var temp = new TempFolder();
        var (input, background) = XgboostFiles(temp);

        var overwrite = CliRun.Of("compare", "--model", Xgboost, "--input", input, "--background", background,
            "--methods", "interventional,tree_path_dependent", "--out", input);
        var markdown = CliRun.Of("compare", "--model", Xgboost, "--input", input, "--background", background,
            "--methods", "interventional,exact", "--reference", "none", "--format", "md");

        Assert.Equal(CliApp.ErrorExitCode, overwrite.Code);
        Assert.Contains("is the input file", overwrite.Error, StringComparison.Ordinal);
        Assert.True(markdown.Code == 0, markdown.Error);
        Assert.Contains("|", markdown.Output, StringComparison.Ordinal);
        Assert.Contains("none", markdown.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kernel", "reference 'kernel' is a sampling method", "cannot be the exact reference")]
    [InlineData("permutation", "reference 'permutation' is a sampling method", "use exact")]
    public void A_sampled_reference_is_refused(string reference, string message, string advice)
    {
        var run = CliRun.Of("compare", "--model", CreditRisk, "--input", Path.Combine(CreditRisk, "background.csv"),
            "--methods", "interventional,kernel,permutation", "--reference", reference);

        Assert.Equal(CliApp.ErrorExitCode, run.Code);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Contains(advice, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--seed", "7", "seed applies to the sampling methods kernel and permutation; the compared methods interventional, tree_path_dependent are deterministic and use no seed")]
    [InlineData("--nsamples", "100", "nsamples applies to the sampling methods kernel and permutation; the compared methods interventional, tree_path_dependent compute exact values")]
    public void Sampling_options_without_a_sampled_method_are_refused(string option, string value, string message)
    {
        var run = CliRun.Of("compare", "--model", CreditRisk, "--input", Path.Combine(CreditRisk, "background.csv"),
            "--methods", "interventional,tree_path_dependent", option, value);

        Assert.Equal(CliApp.ErrorExitCode, run.Code);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    /// <summary>The exact method as reference is not labelled twice ("exact (exact)"); another exact method says what it is.</summary>
    [Fact]
    public void Reference_header_names_the_reference_once()
    {
        using var temp = new TempFolder();
        var (input, background) = XgboostFiles(temp);

        var exact = CliRun.Of("compare", "--model", Xgboost, "--input", input, "--background", background, "--methods", "interventional,exact");
        var interventional = CliRun.Of("compare", "--model", Xgboost, "--input", input, "--background", background,
            "--methods", "interventional,exact", "--reference", "interventional");

        Assert.True(exact.Code == 0, exact.Error);
        Assert.Contains("Reference: exact\n", exact.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("exact (exact", exact.Output, StringComparison.Ordinal);
        Assert.True(interventional.Code == 0, interventional.Error);
        Assert.Contains("Reference: interventional (computes exact SHAP values, no estimate)", interventional.Output, StringComparison.Ordinal);
    }

    /// <summary>The regressor has 4 features: the default k = 5 would make every top-k set all 4 features (overlap 1 by
    /// construction), so k is capped at 3 and the report says why.</summary>
    [Fact]
    public void Top_k_at_or_above_the_feature_count_is_capped_and_the_report_says_so()
    {
        using var temp = new TempFolder();
        var (input, background) = XgboostFiles(temp);

        var run = CliRun.Of("compare", "--model", Xgboost, "--input", input, "--background", background, "--methods", "interventional,exact");

        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("(k = 5 >= 4 features: the overlap would be 1 by construction; k capped at 3)", run.Output, StringComparison.Ordinal);
        Assert.Contains("top-3 overlap", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("top-5", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Every method runs once, discarded, before any is timed, so the first listed does not absorb ONNX Runtime's
    /// first Run and the JIT (not a timing test: it pins that the warm-up happens, in method order, before the runs).</summary>
    [Fact]
    public void Every_method_is_warmed_up_before_any_is_timed()
    {
        using var temp = new TempFolder();
        var (input, background) = XgboostFiles(temp);
        using var model = LoadedModel.Load(Xgboost, ["f0", "f1", "f2", "f3"], background);
        var rows = LoadedModel.ReadTable(input, model.Card);
        var warmed = new List<string>();

        var comparison = TechniqueComparer.Compare(model, rows, ["kernel", "interventional", "exact"], "exact",
            new ExplainOptions(AllowExtraColumns: true), topK: 2, warmedUp: warmed.Add);

        Assert.Equal(["kernel", "interventional", "exact"], warmed);
        Assert.Equal(3, comparison.Techniques.Count);
    }

    private static (string Input, string Background) XgboostFiles(TempFolder temp)
    {
        string input = Path.Combine(temp.Path, "rows.csv");
        string background = Path.Combine(temp.Path, "bg.csv");
        File.WriteAllLines(input, XgboostRows.Take(2).Prepend("f0,f1,f2,f3"));
        File.WriteAllLines(background, XgboostRows.Prepend("f0,f1,f2,f3"));
        return (input, background);
    }
}
