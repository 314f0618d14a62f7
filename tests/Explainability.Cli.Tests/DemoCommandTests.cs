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
}
