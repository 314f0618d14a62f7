namespace Explainability.Cli.Tests;

public sealed class CliAppTests
{
    [Fact]
    public void Train_samples_without_training_data_exits_2_and_names_the_missing_file_on_stderr()
    {
        using var temp = new TempFolder();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = CliApp.Run(["train-samples", "--data-dir", temp.Path, "--out", temp.Path], output, error);

        Assert.Equal(2, code);
        Assert.Contains(Path.Combine(temp.Path, "credit-risk", "training-data.csv"), error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Help prints "[default: X]" after an option that has a default: its description must not say it again.</summary>
    [Fact]
    public void No_option_states_its_default_twice_in_help()
    {
        var doubled = CliApp.Commands(TextWriter.Null).Select(c => c.Build())
            .SelectMany(c => c.Options.Where(o => o.HasDefaultValue && (o.Description ?? "").Contains("default", StringComparison.OrdinalIgnoreCase))
                .Select(o => $"{c.Name} {o.Name}: {o.Description}"))
            .ToList();

        Assert.Empty(doubled);
    }

    [Fact]
    public void Unknown_option_exits_2_with_the_parse_error_on_stderr()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = CliApp.Run(["train-samples", "--no-such-option"], output, error);

        Assert.Equal(2, code);
        Assert.Contains("--no-such-option", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public void Train_samples_writes_both_model_folders_and_reports_them_on_stdout()
    {
        using var temp = new TempFolder();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = CliApp.Run(["train-samples", "--data-dir", Path.Combine(RepoRoot.Path, "models"), "--out", temp.Path], output, error);

        Assert.Equal(0, code);
        Assert.Empty(error.ToString());
        foreach (var id in new[] { "credit-risk", "card-fraud" })
        {
            Assert.Contains(id + ": held-out AUC", output.ToString(), StringComparison.Ordinal);
            foreach (var file in new[] { "model.onnx", "model-card.json", "background.csv", "LICENSE-DATA.md", "README.md", "training-data.csv" })
            {
                Assert.True(File.Exists(Path.Combine(temp.Path, id, file)), $"{id}/{file} missing");
            }
        }
    }

    [Fact]
    public void An_unexpected_exception_is_reported_as_internal_with_its_type_and_the_stack_trace_only_in_debug()
    {
        Exception bug;
        try
        {
            _ = Array.Empty<int>().First();
            throw new InvalidOperationException("unreachable");
        }
        catch (InvalidOperationException e)
        {
            bug = e;
        }

        using var quiet = new StringWriter();
        CliApp.Report(bug, quiet, debug: false);
        Assert.Equal("error: internal error (InvalidOperationException): Sequence contains no elements" + Environment.NewLine, quiet.ToString());

        using var debug = new StringWriter();
        CliApp.Report(bug, debug, debug: true);
        Assert.StartsWith("error: internal error (InvalidOperationException): Sequence contains no elements", debug.ToString(), StringComparison.Ordinal);
        Assert.Contains("   at ", debug.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Framework_argument_exceptions_are_internal_errors_and_own_validation_is_a_refusal()
    {
        Assert.False(CliApp.IsRefusal(new ArgumentNullException("x")));
        Assert.False(CliApp.IsRefusal(new ArgumentOutOfRangeException("x")));
        Assert.False(CliApp.IsRefusal(new InvalidOperationException("Collection was modified")));
        Assert.True(CliApp.IsRefusal(new Onnx.InputException("age", "row 0: missing feature 'age'")));
        Assert.True(CliApp.IsRefusal(new FileNotFoundException("no input file at x")));
    }
}
