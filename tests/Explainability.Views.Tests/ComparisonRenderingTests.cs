using System.Text.RegularExpressions;
using Explainability.Core.Comparison;
using Explainability.Core.Explanations;
using Explainability.Views.Comparison;
using Explainability.Views.Rendering;

namespace Explainability.Views.Tests;

public partial class ComparisonRenderingTests
{
    private static readonly ViewService Service = ViewService.CreateDefault();
    private static readonly string[] Features = ["duration", "credit_amount", "age", "savings"];

    private static Explanation Make(string method, double[] phi, double[]? se = null) => new()
    {
        FeatureNames = Features,
        OutputNames = ["bad"],
        OutputSpace = OutputSpace.Margin,
        Link = LinkFunction.Logistic,
        Method = method,
        Parameters = new Dictionary<string, string> { ["seed"] = "7", ["background_rows"] = "100" },
        RowCount = phi.Length / Features.Length,
        ShapValues = phi,
        BaseValues = new double[phi.Length / Features.Length],
        ModelOutputs = [.. phi.Chunk(Features.Length).Select(r => r.Sum())],
        AdditivityResiduals = new double[phi.Length / Features.Length],
        StandardErrors = se,
    };

    /// <summary>Three techniques on two rows; exact is the reference.</summary>
    private static TechniqueComparison Comparison() => TechniqueComparison.Compute(
    [
        new("exact", Make("exact", [0.4, -0.3, 0.2, 0.1, 0.1, 0.2, -0.3, 0.4]), TimeSpan.FromMilliseconds(120), 51_200),
        new("kernel", Make("kernel", [0.41, -0.29, 0.2, 0.09, 0.1, 0.21, -0.3, 0.39], se: [.. Enumerable.Repeat(0.01, 8)]), TimeSpan.FromMilliseconds(35), 8_192),
        new("interventional", Make("interventional", [0.4, -0.3, 0.2, 0.1, 0.1, 0.2, -0.3, 0.4]), TimeSpan.FromMilliseconds(3), 0),
    ], reference: "exact", topK: 2);

    private static ComparisonView View() => ViewService.ProjectComparison(Comparison(), TestData.CreditCard());

    [Fact]
    public void View_holds_one_bar_per_feature_and_technique_and_a_square_matrix()
    {
        var view = View();
        Assert.Equal(Features.Length * 3, view.Chart.Bars.Count);
        Assert.Equal(3, view.Matrix.Count);
        Assert.All(view.Matrix, r => Assert.Equal(3, r.Cells.Count));
        Assert.True(view.Matrix[1].Cells[1].IsDiagonal);
        Assert.Equal(1.0, view.Matrix[0].Cells[2].Spearman!.Value, 12); // exact and interventional are identical
        Assert.Equal("log-odds", view.Unit);
        Assert.Equal("credit-test", view.ModelId);
        // Mean |phi| of exact per feature: duration (0.4 + 0.1) / 2 = 0.25, credit_amount 0.25, age 0.25, savings 0.25;
        // ties keep feature order. Bars all start at the axis and their widths are proportional to the values.
        Assert.Equal(Features, view.Chart.Groups.Select(g => g.Feature));
        var kernelDuration = view.Chart.Bars.Single(b => b.Feature == "duration" && b.Technique == "kernel");
        Assert.Equal(0.255, kernelDuration.Value, 12);
        var exactDuration = view.Chart.Bars.Single(b => b.Feature == "duration" && b.Technique == "exact");
        Assert.Equal(exactDuration.Width * 0.255 / 0.25, kernelDuration.Width, 0);
    }

    [Fact]
    public void Chart_leaves_out_the_weakest_features_beyond_the_limit_and_says_so()
    {
        var view = ViewService.ProjectComparison(Comparison(), chartFeatures: 3);
        Assert.Equal(9, view.Chart.Bars.Count);
        Assert.Contains("the 3 strongest of 4 features shown, 1 left out of the chart", view.Chart.Caption, StringComparison.Ordinal);
        Assert.DoesNotContain(view.Chart.Groups, g => g.Feature == "savings");
    }

    [Fact]
    public void Html_is_a_self_contained_page_with_the_tables_the_matrix_and_one_rect_per_bar()
    {
        var view = View();
        string html = Service.RenderComparison(view, "html");

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<table class=\"techniques\">", html, StringComparison.Ordinal);
        Assert.Contains("<table class=\"matrix\">", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Equal(view.Chart.Bars.Count, Regex.Count(html, "<rect "));
        Assert.Equal(12, view.Chart.Bars.Count);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(ExternalReference(), html);
        // kernel against exact: deltas 0.01 at 5 of 8 entries -> max 0.01, mean 0.05 / 8 = 0.00625; 8192 evaluations; SE 0.01.
        Assert.Matches(@"<td><span class=""swatch"" style=""background: #E69F00""></span>kernel</td><td><code>kernel</code></td><td class=""n"">35\.0</td><td class=""n"">17\.500</td><td class=""n"">8192</td><td class=""n"">0</td><td class=""n"">0\.01</td><td class=""n"">0\.01</td><td class=""n"">0\.01</td>", html);
        Assert.Contains("exact (reference)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_escapes_names_from_the_caller()
    {
        var e = Make("kernel", [0.4, -0.3, 0.2, 0.1]);
        var c = TechniqueComparison.Compute([new("<script>", e, TimeSpan.Zero, 0), new("b&c", e, TimeSpan.Zero, 0)]);
        string html = Service.RenderComparison(ViewService.ProjectComparison(c), "html");
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("b&amp;c", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_renders_the_technique_table_both_matrices_and_the_chart_values()
    {
        string md = Service.RenderComparison(View(), "md");
        Assert.Contains("| kernel | `kernel` | 35.0 | 17.500 | 8192 | 0 | 0.01 | 0.01 | 0.01 | 0.00625 |", md, StringComparison.Ordinal);
        Assert.Contains("| exact (reference) | `exact` | 120.0 | 60.000 | 51200 | 0 | – | – | – | – |", md, StringComparison.Ordinal);
        Assert.Contains("| | exact | kernel | interventional |", md, StringComparison.Ordinal);
        Assert.Contains("| **exact** | – | ", md, StringComparison.Ordinal);
        Assert.Contains("## Top-2 overlap (mean over rows)", md, StringComparison.Ordinal);
        Assert.Contains("| duration | 0.25 | 0.255 | 0.25 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_renders_the_technique_table_and_the_pairwise_matrix()
    {
        string text = Service.RenderComparison(View(), "text");
        Assert.Contains("Reference: exact\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("exact (exact", text, StringComparison.Ordinal);
        Assert.Matches(@"kernel\s+35\.0\s+17\.500\s+8192\s+0\s+0\.01\s+0\.01\s+0\.01\s+0\.00625", text);
        Assert.Matches(@"exact\s+-\s+\d\.\d{3} / \d\.\d{2}\s+1\.000 / 1\.00", text);
        Assert.Contains("- exact vs interventional: Spearman mean 1.000", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    [InlineData("html")]
    public void A_single_technique_of_all_zero_attributions_without_a_reference_renders(string format)
    {
        var c = TechniqueComparison.Compute([new("tree_path_dependent", Make("tree_path_dependent", [0, 0, 0, 0]), TimeSpan.FromMilliseconds(1), 0)]);
        var view = ViewService.ProjectComparison(c);
        Assert.Empty(view.Pairs);
        Assert.All(view.Chart.Bars, b => Assert.Equal(0, b.Width));
        string text = Service.RenderComparison(view, format);
        Assert.Contains("tree_path_dependent", text, StringComparison.Ordinal);
        Assert.Contains("no delta to exact SHAP reported", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Comparison_formats_include_html_and_refuse_others_listing_them()
    {
        Assert.Contains("html", TemplateRenderer.ComparisonFormats);
        var e = Assert.Throws<ArgumentException>(() => Service.RenderComparison(View(), "pdf"));
        Assert.Contains("expected one of: text, md, html", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TemplateRenderer.RequireFormat("html")); // explanations: text and md only
    }

    [GeneratedRegex(@"(src|href)\s*=|@import|url\(", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
