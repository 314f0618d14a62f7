using System.Globalization;
using System.Text.Json;

namespace Explainability.Cli.Tests.Explaining;

/// <summary>
/// <c>explain</c> on an ONNX graph no reader parses (<c>Y = Sigmoid(X · W + B)</c>, a bare file whose CSV header names the
/// three columns): it falls back to a model-agnostic explainer and says so; kernel, exact and permutation agree with each
/// other and with Shapley values brute-forced here in double.
/// </summary>
public sealed class BlackBoxCliTests : IDisposable
{
    private static readonly string Model = Path.Combine(RepoRoot.Path, "tests", "Explainability.Onnx.Tests", "Fixtures", "matmul_add_sigmoid", "matmul_add_sigmoid.onnx");
    private static readonly double[] W = [0.5, -1.25, 2.0];
    private const double B = 0.125;

    private static readonly double[][] Rows = [[1.0, 2.0, -0.5], [-1.5, 0.25, 1.0], [0.0, -2.0, 0.75]];

    private static readonly double[][] Background =
        [[0, 0, 0], [1, 1, 1], [-1, 0.5, 2], [2, -1, -1], [0.5, 0.5, -0.5], [-2, 2, 0.25], [1.5, -0.5, 0.5], [-0.5, -1.5, -2]];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Kernel_exact_and_permutation_agree_with_brute_forced_shapley_values()
    {
        var exact = Csv(Run("--method", "exact", "--with-se"));
        var kernel = Csv(Run("--method", "kernel", "--with-se"));
        var permutation = Csv(Run("--method", "permutation", "--nsamples", "200", "--with-se"));

        Assert.Equal(["row", "output", "a", "b", "c", "base_value", "model_output", "a_se", "b_se", "c_se"], exact.Header);
        Assert.Equal(exact.Header, permutation.Header);
        for (int r = 0; r < Rows.Length; r++)
        {
            var expected = BruteForce(Rows[r]);
            double baseValue = Background.Average(b => F(b));
            for (int f = 0; f < 3; f++)
            {
                // ONNX Runtime computes in float32: 1e-6 covers its rounding.
                Assert.Equal(expected[f], exact.Value(r, f + 2), 1e-6);
                // Three players: KernelSHAP's default budget enumerates all 2^3 coalitions, so it equals exact SHAP.
                Assert.Equal(exact.Value(r, f + 2), kernel.Value(r, f + 2), 1e-9);
                Assert.Equal(0, exact.Value(r, f + 7));
                Assert.Equal(0, kernel.Value(r, f + 7));
                double se = permutation.Value(r, f + 7);
                Assert.True(Math.Abs(permutation.Value(r, f + 2) - expected[f]) <= (3 * se) + 1e-6, $"row {r} feature {f}: {permutation.Value(r, f + 2)} (se {se}) vs {expected[f]}");
            }

            Assert.Equal(baseValue, exact.Value(r, 5), 1e-6);
            Assert.Equal(F(Rows[r]), exact.Value(r, 6), 1e-6);
            foreach (var csv in new[] { exact, kernel, permutation })
            {
                Assert.Equal(csv.Value(r, 6), csv.Value(r, 5) + csv.Value(r, 2) + csv.Value(r, 3) + csv.Value(r, 4), 1e-9);
            }
        }
    }

    [Fact]
    public void Default_method_is_kernel_in_probability_space_and_json_says_it_is_a_fallback_with_standard_errors()
    {
        using var json = JsonDocument.Parse(Run("--format", "json", "--nsamples", "6", "--seed", "7"));
        var root = json.RootElement;
        Assert.Equal("kernel", root.GetProperty("method").GetString());
        Assert.Equal("probability", root.GetProperty("output_space").GetString());
        var parameters = root.GetProperty("parameters");
        Assert.Contains("no tree ensemble", parameters.GetProperty("fallback_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("7", parameters.GetProperty("seed").GetString());
        Assert.Equal("6", parameters.GetProperty("nsamples").GetString());
        Assert.Equal("8", parameters.GetProperty("background_rows").GetString());
        Assert.Equal("explained function is the ONNX Runtime served output", parameters.GetProperty("runtime_check").GetString());
        var output = root.GetProperty("rows")[0].GetProperty("outputs")[0];
        Assert.Equal(3, output.GetProperty("standard_errors").GetArrayLength());
    }

    [Fact]
    public void Margin_space_is_refused_for_a_graph_without_a_parsed_model()
    {
        var run = CliRun.Of(["explain", "--model", Model, "--input", Input(), "--background", Bg(), "--method", "exact", "--output-space", "margin"]);
        Assert.Equal(2, run.Code);
        Assert.Contains("output space 'margin' is not available", run.Error, StringComparison.Ordinal);
        Assert.Contains("use 'probability'", run.Error, StringComparison.Ordinal);
    }

    private static double F(double[] x) => 1 / (1 + Math.Exp(-(((float)W[0] * x[0]) + ((float)W[1] * x[1]) + ((float)W[2] * x[2]) + (float)B)));

    /// <summary>Shapley values of <c>v(S) = mean over b of F(x_S, b_rest)</c> by the permutation formula over all 3! orders.</summary>
    private static double[] BruteForce(double[] x)
    {
        double V(int mask) => Background.Average(b => F([.. Enumerable.Range(0, 3).Select(i => (mask >> i & 1) == 1 ? x[i] : b[i])]));
        int[][] orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        var phi = new double[3];
        foreach (var order in orders)
        {
            int mask = 0;
            foreach (int i in order)
            {
                phi[i] += (V(mask | (1 << i)) - V(mask)) / orders.Length;
                mask |= 1 << i;
            }
        }

        return phi;
    }

    private string Run(params string[] args)
    {
        var run = CliRun.Of(["explain", "--model", Model, "--input", Input(), "--background", Bg(), .. args]);
        Assert.True(run.Code == 0, run.Error);
        return run.Output;
    }

    private string Input() => Write("rows.csv", Rows);

    private string Bg() => Write("background.csv", Background);

    private string Write(string name, double[][] rows)
    {
        string path = Path.Combine(_temp.Path, name);
        File.WriteAllLines(path, ["a,b,c", .. rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))]);
        return path;
    }

    private static ParsedCsv Csv(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new ParsedCsv(lines[0].Split(','), [.. lines.Skip(1).Select(l => l.Split(','))]);
    }

    private sealed record ParsedCsv(string[] Header, string[][] Lines)
    {
        public double Value(int line, int column) => double.Parse(Lines[line][column], CultureInfo.InvariantCulture);
    }
}
