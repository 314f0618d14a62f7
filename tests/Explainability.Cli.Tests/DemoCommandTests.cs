using Explainability.Views;

namespace Explainability.Cli.Tests;

public sealed class DemoCommandTests
{
    [Fact]
    public void Demo_prints_every_shipped_model_for_every_audience_with_what_each_view_leaves_out()
    {
        var run = CliRun.Of("demo", "--rows", "1", "--models", Path.Combine(RepoRoot.Path, "models"));

        Assert.Equal(0, run.Code);
        Assert.Empty(run.Error);
        foreach (var model in new[] { "credit-risk", "card-fraud" })
        {
            Assert.Contains($"Model {model} ", run.Output, StringComparison.Ordinal);
            foreach (var audience in Audiences.All)
            {
                Assert.Contains($"[{model}] row 0 - {audience}", run.Output, StringComparison.Ordinal);
            }
        }

        // One omission section per view: two models, four audiences, one row each.
        Assert.Equal(8, run.Output.Split("This explanation leaves out").Length - 1);
    }

    /// <summary>Only the data scientist and the business manager have HTML views: the demo, which shows all four, refuses
    /// html before it explains anything rather than failing halfway.</summary>
    [Fact]
    public void A_format_some_audience_lacks_is_refused_before_anything_is_shown()
    {
        var run = CliRun.Of("demo", "--rows", "1", "--format", "html", "--models", Path.Combine(RepoRoot.Path, "models"));

        Assert.Equal((2, ""), (run.Code, run.Output));
        Assert.Equal("error: --format html: the demo shows every audience, and fraud-analyst, customer have no html view; expected one of: text, md", run.Error.Trim());
        foreach (string format in (string[])["HTML", "json", ""])
        {
            var unknown = CliRun.Of("demo", "--rows", "1", "--format", format, "--models", Path.Combine(RepoRoot.Path, "models"));
            Assert.Equal((2, $"error: unknown format '{format}'; expected one of: text, md"), (unknown.Code, unknown.Error.Trim()));
        }
    }
}
