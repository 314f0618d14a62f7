using System.Text.Json;

namespace Explainability.Cli.Tests.Explaining;

/// <summary>
/// A tree ensemble TreeSHAP cannot take (<c>aggregate_function=MIN</c>, fixture <c>tree_min_aggregation</c>): the default
/// method falls back to KernelSHAP on the served output and says why; a tree method is refused naming what the model supports.
/// </summary>
public sealed class FallbackCliTests : IDisposable
{
    private static readonly string Model = Path.Combine(RepoRoot.Path, "tests", "Explainability.Onnx.Tests", "Fixtures", "tree_min_aggregation", "tree_min_aggregation.onnx");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Hand-worked in the fixture's README: x = [1, 1], background [[-1, -1]]: base -2, phi = [1, 5], output 4.</summary>
    [Fact]
    public void Min_aggregation_falls_back_to_kernel_and_gives_the_hand_worked_shapley_values()
    {
        var run = CliRun.Of(["explain", "--model", Model, "--input", Write("rows.csv", "a,b", "1,1"), "--background", Write("bg.csv", "a,b", "-1,-1"), "--format", "json"]);
        Assert.True(run.Code == 0, run.Error);

        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("kernel", root.GetProperty("method").GetString());
        Assert.Equal("probability", root.GetProperty("output_space").GetString());
        Assert.Contains("TreeSHAP cannot explain MIN/MAX aggregation", root.GetProperty("parameters").GetProperty("fallback_reason").GetString(), StringComparison.Ordinal);
        var output = root.GetProperty("rows")[0].GetProperty("outputs")[0];
        Assert.Equal(-2, output.GetProperty("base_value").GetDouble(), 1e-9);
        Assert.Equal(4, output.GetProperty("model_output").GetDouble(), 1e-9);
        Assert.Equal(1, output.GetProperty("phi")[0].GetDouble(), 1e-9);
        Assert.Equal(5, output.GetProperty("phi")[1].GetDouble(), 1e-9);
    }

    [Fact]
    public void Tree_method_on_min_aggregation_is_refused_naming_the_supported_methods()
    {
        var run = CliRun.Of(["explain", "--model", Model, "--input", Write("rows.csv", "a,b", "1,1"), "--background", Write("bg.csv", "a,b", "-1,-1"), "--method", "interventional"]);
        Assert.Equal(2, run.Code);
        Assert.Contains("cannot be explained with interventional", run.Error, StringComparison.Ordinal);
        Assert.Contains("MIN/MAX", run.Error, StringComparison.Ordinal);
        Assert.Contains("it supports: kernel, permutation, exact", run.Error, StringComparison.Ordinal);
    }

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(_temp.Path, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
