namespace Explainability.Cli.Tests;

/// <summary>
/// Bare <c>.onnx</c> files (no model card) through <c>explain</c> and <c>compare</c>: only model inputs are accepted and
/// reported, and text views pick an explained output without speaking of a card that does not exist (issue 3 review).
/// </summary>
public sealed class BareModelReviewTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(RepoRoot.Path, "tests", "Explainability.Onnx.Tests", "Fixtures");
    private static readonly string Titanic = Path.Combine(Fixtures, "skl2onnx_titanic_logreg_pipeline", "pipeline_titanic.onnx");
    private static readonly string TitanicSample = Path.Combine(Fixtures, "skl2onnx_titanic_logreg_pipeline", "small_titanic_sample_input.csv");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The titanic pipeline has 5 per-column inputs; <c>survived</c> is none of them.</summary>
    [Fact]
    public void Explain_refuses_a_column_that_is_no_input_of_a_bare_linear_onnx()
    {
        string input = Write("titanic.csv", "pclass,survived,sex,age,fare,embarked", "1,1,female,29,211.3375,S");

        var run = CliRun.Of("explain", "--model", Titanic, "--input", input, "--background", TitanicSample);

        Assert.Equal(CliApp.ErrorExitCode, run.Code);
        Assert.Empty(run.Output);
        Assert.Contains("unknown feature 'survived'", run.Error, StringComparison.Ordinal);
        Assert.Contains("not an input of model 'pipeline_titanic'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_refuses_a_column_that_is_no_input_of_a_bare_linear_onnx()
    {
        string input = Write("titanic.csv", "pclass,survived,sex,age,fare,embarked", "1,1,female,29,211.3375,S");

        var run = CliRun.Of("compare", "--model", Titanic, "--input", input, "--background", TitanicSample, "--methods", "linear,exact");

        Assert.Equal(CliApp.ErrorExitCode, run.Code);
        Assert.Contains("unknown feature 'survived'", run.Error, StringComparison.Ordinal);
    }

    /// <summary>The JSON's features are exactly the players, in input order.</summary>
    [Fact]
    public void Json_features_of_a_bare_model_are_its_players()
    {
        string input = Write("titanic.csv", "pclass,sex,age,fare,embarked", "1,female,29,211.3375,S");

        var run = CliRun.Of("explain", "--model", Titanic, "--input", input, "--background", TitanicSample, "--method", "exact", "--format", "json");

        Assert.True(run.Code == 0, run.Error);
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var features = json.RootElement.GetProperty("features").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["pclass", "sex", "age", "fare", "embarked"], features);
    }

    /// <summary>Without a card, the text view explains the last class (here "1", survived) of a binary classifier.</summary>
    [Fact]
    public void Text_view_of_a_bare_binary_classifier_explains_the_last_class()
    {
        string input = Write("titanic.csv", "pclass,sex,age,fare,embarked", "1,female,29,211.3375,S");

        var run = CliRun.Of("explain", "--model", Titanic, "--input", input, "--background", TitanicSample, "--format", "text");

        Assert.True(run.Code == 0, run.Error);
        Assert.DoesNotContain("model card", run.Error, StringComparison.Ordinal);
        Assert.Contains("\"1\"", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The iris forest has three classes; the view shows class "2" (the last) and records outputs 0 and 1 as left out. Row 0
    /// is a setosa every tree votes for: class 0 rises from the base 1/3 to 1 and classes 1 and 2 fall from 1/3 to 0, with
    /// every feature pushing the same way within a class, so the |phi| sums are 2/3, 1/3 and 1/3, and outputs 0 and 1 carry
    /// (2/3 + 1/3) / (4/3) = 75% of the row's |phi| over all outputs.
    /// </summary>
    [Fact]
    public void Multiclass_text_view_records_the_outputs_it_does_not_show()
    {
        string iris = Path.Combine(Fixtures, "skl2onnx_rf_iris_multiclass", "rf_iris.onnx");
        string input = Write("iris.csv", "a,b,c,d", "5.1,3.5,1.4,0.2");
        string background = Write("bg.csv", "a,b,c,d", "5.1,3.5,1.4,0.2", "6.2,2.9,4.3,1.3", "7.7,3.0,6.1,2.3");

        var run = CliRun.Of("explain", "--model", iris, "--input", input, "--background", background, "--format", "text");

        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("Explained output: class \"2\"", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("leaves out nothing", run.Output, StringComparison.Ordinal);
        Assert.Contains("other-outputs (rule: a view explains one output); fields: output '0', output '1'; share of |phi| over all outputs 75.00%", run.Output, StringComparison.Ordinal);
    }

    /// <summary>A regressor has no classes: its single output is named as an output, not a class.</summary>
    [Fact]
    public void Regressor_text_view_names_an_output_not_a_class()
    {
        string xgboost = Path.Combine(Fixtures, "moose_xgboost_regressor", "xgboost_regressor.onnx");
        string input = Write("x.csv", "f0,f1,f2,f3", "0,1,1,0");
        string background = Write("bg.csv", "f0,f1,f2,f3", "0,1,1,0", "1,0,1,0", "3,1,0,2");

        var run = CliRun.Of("explain", "--model", xgboost, "--input", input, "--background", background, "--format", "text");

        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("Explained output: output \"0\" (model output)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("class \"0\"", run.Output, StringComparison.Ordinal);
        Assert.Contains("printed to 6 decimals", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("unrounded", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The default evaluation limit is 50,000,000: kernel on all 200 credit-risk background rows needs
    /// 200 x (2088 coalitions x 200 background rows + 1) = 83,520,200 evaluations (hours at 20-50 microseconds each), which
    /// the former default of 500,000,000 let run.
    /// </summary>
    [Fact]
    public void Default_evaluation_limit_refuses_a_multi_hour_kernel_run()
    {
        string creditRisk = Path.Combine(RepoRoot.Path, "models", "credit-risk");

        var run = CliRun.Of("explain", "--model", creditRisk, "--input", Path.Combine(creditRisk, "background.csv"), "--method", "kernel");

        Assert.Equal(CliApp.ErrorExitCode, run.Code);
        Assert.Contains("83,520,200 model evaluations", run.Error, StringComparison.Ordinal);
        Assert.Contains("the limit is 50,000,000 per request", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The xgboost regressor has 4 players: 2^4 - 2 = 14 coalitions exist, so nsamples 1000 evaluates 14 (exact) and the
    /// parameters say so; the values equal exact SHAP's.
    /// </summary>
    [Fact]
    public void Kernel_nsamples_beyond_enumeration_records_the_coalitions_evaluated()
    {
        string xgboost = Path.Combine(Fixtures, "moose_xgboost_regressor", "xgboost_regressor.onnx");
        string input = Write("x.csv", "f0,f1,f2,f3", "0,1,1,0");
        string background = Write("bg.csv", "f0,f1,f2,f3", "0,1,1,0", "1,0,1,0", "3,1,0,2");

        var run = CliRun.Of("explain", "--model", xgboost, "--input", input, "--background", background, "--method", "kernel", "--nsamples", "1000", "--format", "json");

        Assert.True(run.Code == 0, run.Error);
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var parameters = json.RootElement.GetProperty("parameters");
        Assert.Equal("14", parameters.GetProperty("nsamples").GetString());
        Assert.Equal("1000", parameters.GetProperty("nsamples_requested").GetString());
        Assert.Equal("true", parameters.GetProperty("enumerated").GetString());
    }

    /// <summary>card-fraud has 30 players: 2^30 - 2 = 1,073,741,822 coalitions, more than the 2^28 / 30 = 8,947,848 a row's
    /// masks may hold, so the message gives that maximum and says full enumeration does not fit (no contradiction).</summary>
    [Fact]
    public void Kernel_nsamples_above_the_maximum_gives_a_consistent_message()
    {
        string fraud = Path.Combine(RepoRoot.Path, "models", "card-fraud");
        var lines = File.ReadAllLines(Path.Combine(fraud, "background.csv"));
        string input = Write("rows.csv", lines[0], lines[1]);

        var run = CliRun.Of("explain", "--model", fraud, "--input", input, "--method", "kernel", "--nsamples", "9000000");

        Assert.Equal(CliApp.ErrorExitCode, run.Code);
        Assert.Contains("the maximum 8947848 (2^28 coalition-mask entries per row), below the 1073741822 = 2^M-2 coalitions of full enumeration", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("or more enumerates exactly", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every method records one background_sha256: the SHA-256 of the table in canonical form (header and rows, numbers in
    /// round-trip format, '\n' line ends). This background is written in that form already, so the value is the hash of
    /// the file's bytes, computed here independently.
    /// </summary>
    [Fact]
    public void Background_sha256_is_the_same_canonical_hash_for_every_method()
    {
        string xgboost = Path.Combine(Fixtures, "moose_xgboost_regressor", "xgboost_regressor.onnx");
        string input = Write("x.csv", "f0,f1,f2,f3", "0,1,1,0");
        string background = Path.Combine(_temp.Path, "bg.csv");
        File.WriteAllText(background, "f0,f1,f2,f3\n0,1,1,0\n1,0,1,0\n3,1,0,2.5\n");
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(background)));

        foreach (var method in new[] { "tree_path_dependent", "interventional", "kernel", "permutation", "exact" })
        {
            var run = CliRun.Of("explain", "--model", xgboost, "--input", input, "--background", background, "--method", method, "--format", "json");

            Assert.True(run.Code == 0, method + ": " + run.Error);
            using var json = System.Text.Json.JsonDocument.Parse(run.Output);
            Assert.Equal(expected, json.RootElement.GetProperty("parameters").GetProperty("background_sha256").GetString());
        }
    }

    /// <summary>
    /// A graph with neither a tree ensemble nor a linear model (Y = Sigmoid(X W + B), one column) used to list no outputs
    /// (what ListModels returns) while its explanation names output "0": both now name the served output's column.
    /// </summary>
    [Fact]
    public void Listed_outputs_of_a_black_box_model_agree_with_the_explanation()
    {
        string path = Path.Combine(Fixtures, "matmul_add_sigmoid", "matmul_add_sigmoid.onnx");
        string rows = Write("x.csv", "a,b,c", "1,2,3", "0,0,0", "-1,0.5,2");
        using var model = Explainability.Server.Models.LoadedModel.Load(path, ["a", "b", "c"], rows);

        var outcome = Explainability.Server.Explaining.ExplanationService.Explain(
            model, Explainability.Server.Models.LoadedModel.ReadTable(rows, model.Card), new Explainability.Server.Explaining.ExplainOptions("exact", AllowExtraColumns: true));

        Assert.Equal(["0"], model.OutputNames);
        Assert.Equal(model.OutputNames, outcome.Explanation.OutputNames);
    }

    /// <summary>A model without a card gets outcomes that read as clauses in "that {outcome}": a classifier's class by its
    /// label, a regressor behind a logistic link (ML.NET's export of credit-risk) by its output, a plain regressor as
    /// "the model output" — not "the model predicts 0" for a target index, nor "that a higher model output".</summary>
    [Theory]
    [InlineData("skl2onnx_rf_iris_multiclass/rf_iris.onnx", "the model predicts class 2", "the model does not predict class 2")]
    [InlineData("moose_gradient_boosting_regressor/gradient_boosting_regressor.onnx", "the model output is high", "the model output is low")]
    [InlineData("../../../models/credit-risk/model.onnx", "the model's output '0' is high", "the model's output '0' is low")]
    public void A_derived_card_words_the_outcome_as_a_clause(string file, string positive, string negative)
    {
        using var model = Explainability.Server.Models.LoadedModel.Load(Path.GetFullPath(Path.Combine(Fixtures, file)));

        Assert.Equal((positive, negative), (model.Card.Output.PositiveOutcome, model.Card.Output.NegativeOutcome));
    }

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_temp.Path, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
