namespace Explainability.Cli.Tests;

/// <summary>Bad input to <c>explain</c>: each exits with code 2, writes nothing to standard output, and names the problem on standard error.</summary>
public sealed class ExplainErrorTests : IDisposable
{
    private static readonly string CreditRisk = Path.Combine(RepoRoot.Path, "models", "credit-risk");
    private static readonly string CreditBackground = Path.Combine(CreditRisk, "background.csv");
    private static readonly string Fixtures = Path.Combine(RepoRoot.Path, "tests", "Explainability.Onnx.Tests", "Fixtures");
    private static readonly string Xgboost = Path.Combine(Fixtures, "moose_xgboost_regressor", "xgboost_regressor.onnx");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Unknown_model_path()
    {
        string missing = Path.Combine(_temp.Path, "no-such-model");
        AssertFails(["--model", missing, "--input", CreditBackground], "no model folder or ONNX file at", missing);
    }

    [Fact]
    public void Input_file_missing()
    {
        string missing = Path.Combine(_temp.Path, "rows.csv");
        AssertFails(["--model", CreditRisk, "--input", missing], "no input file at", missing);
    }

    [Fact]
    public void Missing_feature_column() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(drop: "age")], "missing feature 'age'");

    /// <summary>A <c>[N, 4]</c> input takes any 4 names by position; a fifth column is unknown.</summary>
    [Fact]
    public void Unknown_feature_for_a_bare_matrix_onnx()
    {
        string input = Write("rows.csv", "f0,f1,f2,f3,income", "0,1,1,0,5");
        AssertFails(["--model", Xgboost, "--input", input, "--background", input], "'income'");
    }

    [Fact]
    public void Too_few_columns_for_a_bare_matrix_onnx()
    {
        string input = Write("rows.csv", "f0,f1,f2", "0,1,1");
        AssertFails(["--model", Xgboost, "--input", input], "'float_input' has 4 columns", "3 column names were given");
    }

    [Fact]
    public void Unknown_feature_for_a_bare_per_column_onnx() =>
        AssertFails(["--model", Path.Combine(CreditRisk, "model.onnx"), "--input", CreditRows(rename: ("age", "age_years"))], "unknown feature 'age_years'");

    [Fact]
    public void Text_in_a_numeric_column() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(set: ("duration", "twelve"))], "feature 'duration' is numeric", "'twelve'");

    /// <summary>A card's categorical columns are read as text, so a number there is a category label the card does not know.</summary>
    [Fact]
    public void Number_in_a_categorical_column() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(set: ("purpose", "5"))], "category '5' of feature 'purpose' was never seen");

    [Fact]
    public void Unseen_category() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(set: ("checking_status", "overdrawn"))], "category 'overdrawn' of feature 'checking_status' was never seen");

    [Theory]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e309")]
    public void Non_finite_number(string cell) =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(set: ("duration", cell))], "row 1: feature 'duration' is not finite");

    /// <summary>The credit-risk model reads float32: 1e39 is finite as a double but infinity in ONNX Runtime.</summary>
    [Theory]
    [InlineData("1e39", "1E+39")]
    [InlineData("-1e300", "-1E+300")]
    public void Number_beyond_the_float32_range(string cell, string shown) =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(set: ("duration", cell))], $"row 1: feature 'duration' is {shown}, beyond the float32 range", "3.4028235E+38");

    /// <summary>A semicolon-separated file is read as one column: the message says what the file looks like, not only which feature is missing.</summary>
    [Fact]
    public void Semicolon_separated_input_says_the_file_looks_semicolon_separated()
    {
        string input = File.ReadAllText(CreditRows()).Replace(',', ';');
        string path = Write("semi.csv", input.TrimEnd().Split('\n'));
        string header = File.ReadLines(path).First();
        AssertFails(["--model", CreditRisk, "--input", path], "missing feature 'checking_status'", "the input's header is one column holding ';'", "the file looks semicolon-separated",
            $"({header.Length} characters)");
    }

    /// <summary>A bare model takes its column names from the header: too few, or one holding ';', is said in those terms.</summary>
    [Fact]
    public void A_bare_models_header_of_the_wrong_width_is_named_and_a_semicolon_file_recognised()
    {
        string background = Write("bg.csv", "f0,f1,f2,f3", "1,2,3,4", "0,1,0,1");
        string semicolons = Write("semi.csv", "f0;f1;f2;f3", "1;2;3;4");
        string three = Write("three.csv", "f0,f1,f2", "1,2,3");

        AssertFails(["--model", Xgboost, "--input", semicolons, "--background", background],
            "has 4 columns; 1 column name was given ('f0;f1;f2;f3'); the file looks semicolon-separated");
        AssertFails(["--model", Xgboost, "--input", three, "--background", background], "has 4 columns; 3 column names were given ('f0', 'f1', 'f2')");
    }

    [Theory]
    [InlineData(" duration")]
    [InlineData("Duration")]
    public void Missing_feature_names_a_column_that_differs_only_in_case_or_spaces(string column) =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(rename: ("duration", column))], "missing feature 'duration'", $"the input has '{column}'", "differs only in case or surrounding spaces");

    [Fact]
    public void Background_with_a_header_and_no_rows_names_the_file()
    {
        string background = Write("bg.csv", File.ReadLines(CreditBackground).First());
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--background", background], $"the background {background} has no rows");
    }

    [Fact]
    public void Empty_categorical_cell() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(set: ("purpose", ""))], "row 1: feature 'purpose' is categorical and has no value");

    [Fact]
    public void Empty_numeric_cell_is_a_missing_value_the_model_routes()
    {
        var run = CliRun.Of(["explain", "--model", CreditRisk, "--input", CreditRows(set: ("duration", ""))]);
        Assert.Equal(0, run.Code);
        Assert.Empty(run.Error);
    }

    [Fact]
    public void Out_naming_the_input_file_is_refused_and_the_input_kept()
    {
        string input = CreditRows();
        string before = File.ReadAllText(input);
        AssertFails(["--model", CreditRisk, "--input", input, "--out", input], "--out", "is the input file");
        Assert.Equal(before, File.ReadAllText(input));
    }

    [Fact]
    public void Out_naming_the_background_file_is_refused()
    {
        string background = Write("bg.csv", File.ReadAllLines(CreditBackground));
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--background", background, "--out", Path.Combine(_temp.Path, ".", "bg.csv")], "is the background file");
    }

    [Theory]
    [InlineData("model-card.json")]
    [InlineData("model.onnx")]
    [InlineData("background.csv")]
    [InlineData("new-file.csv")]
    public void Out_inside_the_model_folder_is_refused(string file)
    {
        string folder = Path.Combine(_temp.Path, "credit-risk");
        Directory.CreateDirectory(folder);
        foreach (var f in Directory.GetFiles(CreditRisk))
        {
            File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        }

        string target = Path.Combine(folder, file);
        string? before = File.Exists(target) ? File.ReadAllText(target) : null;
        AssertFails(["--model", folder, "--input", CreditRows(), "--out", target], "is inside the model folder");
        Assert.Equal(before, File.Exists(target) ? File.ReadAllText(target) : null);
    }

    [Fact]
    public void Out_naming_the_bare_onnx_file_is_refused()
    {
        string model = Path.Combine(_temp.Path, "m.onnx");
        File.Copy(Xgboost, model);
        string input = Write("rows.csv", "f0,f1,f2,f3", "0,1,1,0");
        AssertFails(["--model", model, "--input", input, "--background", input, "--out", model], "is the model file");
    }

    [Fact]
    public void A_megabyte_category_is_quoted_shortened_with_its_length()
    {
        string huge = new('z', 1 << 20);
        var run = CliRun.Of(["explain", "--model", CreditRisk, "--input", CreditRows(set: ("purpose", huge))]);

        Assert.Equal(2, run.Code);
        Assert.Contains($"category '{new string('z', 80)}…' (1048576 characters) of feature 'purpose' was never seen", run.Error, StringComparison.Ordinal);
        Assert.True(run.Error.Length < 2000, $"the message has {run.Error.Length} characters");
    }

    [Fact]
    public void Model_card_instead_of_the_model_folder_says_to_pass_the_folder() =>
        AssertFails(["--model", Path.Combine(CreditRisk, "model-card.json"), "--input", CreditBackground], "is a JSON file, not an ONNX model: pass the model folder", CreditRisk);

    [Fact]
    public void Ragged_row_names_the_line()
    {
        var lines = File.ReadAllLines(CreditBackground).Take(4).ToArray();
        lines[2] = lines[2][..lines[2].LastIndexOf(',')];
        string input = Write("ragged.csv", lines);
        AssertFails(["--model", CreditRisk, "--input", input], "line 3 has 20 fields, the header has 21");
    }

    [Fact]
    public void Non_tree_onnx_asked_for_tree_shap()
    {
        string input = Write("titanic.csv", "pclass,sex,age,fare,embarked", "1,female,29,211.3375,S");
        AssertFails(
            ["--model", Path.Combine(Fixtures, "skl2onnx_titanic_logreg_pipeline", "pipeline_titanic.onnx"), "--input", input, "--method", "tree_path_dependent"],
            "cannot be explained with tree_path_dependent", "no tree ensemble", "it supports: linear");
    }

    [Fact]
    public void Linear_model_without_a_background()
    {
        // The default for a linear model is Linear SHAP, whose expectation needs a background.
        string input = Write("titanic.csv", "pclass,sex,age,fare,embarked", "1,female,29,211.3375,S");
        AssertFails(["--model", Path.Combine(Fixtures, "skl2onnx_titanic_logreg_pipeline", "pipeline_titanic.onnx"), "--input", input], "method linear needs a background", "--background");
    }

    /// <summary>
    /// The graph's OneHotEncoder ignores unknown text (<c>handle_unknown='ignore'</c>): a typo would be explained as an
    /// all-zero encoding. Without a card, the encoder's own categories (embarked: C, Q, S, missing) refuse it.
    /// </summary>
    [Fact]
    public void Category_the_bare_onnx_encoder_does_not_know()
    {
        string input = Write("titanic.csv", "pclass,sex,age,fare,embarked", "1,female,29,211.3375,S", "2,male,40,13,Southampton");
        AssertFails(
            ["--model", Path.Combine(Fixtures, "skl2onnx_titanic_logreg_pipeline", "pipeline_titanic.onnx"), "--input", input, "--background", input],
            "row 1", "category 'Southampton' of feature 'embarked'", "known categories: C, Q, S, missing");
    }

    [Theory]
    [InlineData("--nsamples", "1.5")]
    [InlineData("--seed", "abc")]
    [InlineData("--nsamples", "99999999999")]
    public void Option_that_is_not_a_whole_number(string option, string value) =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--method", "kernel", option, value], $"{option} expects a whole number", $"got '{value}'");

    /// <summary>A seed, like nsamples, only steers the sampling methods; accepting it elsewhere would suggest it had an effect.</summary>
    [Theory]
    [InlineData("tree_path_dependent")]
    [InlineData("interventional")]
    [InlineData("exact")]
    public void Seed_for_a_method_that_does_not_sample(string method) =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--method", method, "--seed", "7"], "seed applies to the sampling methods kernel and permutation", $"method {method} is deterministic");

    [Fact]
    public void Unreadable_onnx()
    {
        string model = Write("x.onnx", "this is not an ONNX model");
        string input = Write("rows.csv", "f0,f1,f2,f3", "0,1,1,0");
        AssertFails(["--model", model, "--input", input], model, "is not a readable ONNX model");
    }

    [Fact]
    public void Unknown_method() =>
        AssertFails(["--model", CreditRisk, "--input", CreditBackground, "--method", "shapley"], "unknown method 'shapley'", "tree_path_dependent", "interventional", "kernel", "exact");

    [Fact]
    public void Background_with_the_wrong_columns()
    {
        string background = Path.Combine(_temp.Path, "bg.csv");
        File.Move(CreditRows(drop: "age"), background);
        foreach (var method in new[] { "interventional", "kernel" })
        {
            AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--background", background, "--method", method], "the background lacks the column(s) 'age'", "needs 'checking_status'");
        }
    }

    [Fact]
    public void Nsamples_below_the_minimum_gives_the_minimum()
    {
        // 20 raw features: every coalition of sizes 1 and 19 plus 21 sampled pairs, 4 * 20 + 2 = 82.
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--method", "kernel", "--nsamples", "10"], "nsamples 10 is out of range for KernelSHAP over 20 players", "the minimum is 82");
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--method", "permutation", "--nsamples", "9"], "nsamples 9 is out of range for permutation SHAP", "the minimum is 10");
    }

    [Fact]
    public void Nsamples_with_an_exact_method() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--method", "interventional", "--nsamples", "100"], "nsamples applies to the sampling methods kernel and permutation");

    [Fact]
    public void Exact_over_the_player_limit_gives_the_limit_and_the_count()
    {
        string fraud = Path.Combine(RepoRoot.Path, "models", "card-fraud");
        AssertFails(["--model", fraud, "--input", Path.Combine(fraud, "background.csv"), "--method", "exact"], "limited to 16 players", "has 30", "use kernel or permutation");
    }

    [Fact]
    public void Probability_space_with_treeshap_suggests_the_model_agnostic_methods() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--output-space", "probability"], "output space 'probability' is not available with tree_path_dependent", "exact, kernel or permutation");

    [Fact]
    public void Linear_shap_on_a_tree_model_names_what_the_model_supports() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--method", "linear"], "cannot be explained with linear", "it supports: tree_path_dependent, interventional, kernel, permutation");

    [Fact]
    public void Unknown_output_space() =>
        AssertFails(["--model", CreditRisk, "--input", CreditRows(), "--output-space", "odds"], "unknown output space 'odds'", "margin or probability");

    [Fact]
    public void Unknown_format() =>
        AssertFails(["--model", CreditRisk, "--input", CreditBackground, "--format", "xml"], "unknown format 'xml'", "csv, json, text");

    [Fact]
    public void Unknown_audience() =>
        AssertFails(["--model", CreditRisk, "--input", CreditBackground, "--audience", "auditor"], "unknown audience 'auditor'", "data-scientist, business-manager, fraud-analyst, customer");

    [Fact]
    public void Audience_with_a_non_text_format() =>
        AssertFails(["--model", CreditRisk, "--input", CreditBackground, "--audience", "customer", "--format", "json"], "--audience", "--format json");

    [Fact]
    public void Output_space_other_than_margin() =>
        AssertFails(["--model", CreditRisk, "--input", CreditBackground, "--output-space", "probability"], "output space 'probability'");

    private static void AssertFails(string[] args, params string[] messageParts)
    {
        var run = CliRun.Of(["explain", .. args]);

        Assert.Equal(2, run.Code);
        Assert.Empty(run.Output);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        foreach (var part in messageParts)
        {
            Assert.Contains(part, run.Error, StringComparison.Ordinal);
        }
    }

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_temp.Path, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The first three credit-risk background rows without the label, with one column dropped, renamed, or set in the second row.</summary>
    private string CreditRows(string? drop = null, (string From, string To)? rename = null, (string Column, string Value)? set = null)
    {
        var (header, rows) = ExplainCommandTests.ReadCsv(CreditBackground);
        var keep = Enumerable.Range(0, header.Length).Where(i => header[i] != "class" && header[i] != drop).ToArray();
        var newHeader = keep.Select(i => rename is { } r && header[i] == r.From ? r.To : header[i]);
        var body = rows.Take(3).Select((row, k) => keep.Select(i => set is { } s && k == 1 && header[i] == s.Column ? s.Value : row[i]));
        return Write("rows.csv", [string.Join(',', newHeader), .. body.Select(r => string.Join(',', r))]);
    }
}
