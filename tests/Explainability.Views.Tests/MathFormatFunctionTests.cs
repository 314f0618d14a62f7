using System.Globalization;
using Explainability.Views.Rendering;
using Scriban;
using Scriban.Runtime;

namespace Explainability.Views.Tests;

/// <summary>Our <c>math.format</c> gives Scriban's own result, or Scriban's own error, for every kind of call.</summary>
public class MathFormatFunctionTests
{
    private static readonly object?[] Values =
    [
        0.0, -0.0, 1.5, -2.25, 0.1 + 0.2, 123456789.123456, 1e-12, -1e300, double.NaN, double.PositiveInfinity,
        double.NegativeInfinity, 0, 7, -42, int.MaxValue, 5_000_000_000L, -3L, 2.5m, 1.25f, "text", true, null,
    ];

    private static readonly string[] Calls =
    [
        "v | math.format \"0.000000\"",
        "v | math.format \"+0.000000;-0.000000;0.000000\"",
        "v | math.format \"G6\"",
        "v | math.format \"0.0\"",
        "v | math.format \"P1\"",
        "v | math.format \"N0\"",
        "v | math.format \"\"",
        "v | math.format 2",
        "v | math.format \"0.00\" \"nl-NL\"",
        "v | math.format \"N2\" \"en-US\"",
        "math.format v \"0.000\"",
        "v | math.format",
        "v | math.format \"0.0\" \"nl-NL\" \"extra\"",
    ];

    public static TheoryData<int> CallIndexes() => [.. Enumerable.Range(0, Calls.Length)];

    [Theory]
    [MemberData(nameof(CallIndexes))]
    public void Every_value_formats_as_Scribans_own_math_format_or_fails_the_same_way(int call)
    {
        var template = Template.Parse("{{ " + Calls[call] + " }}");
        Assert.False(template.HasErrors, string.Join("; ", template.Messages));
        foreach (var culture in new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("de-DE") })
        {
            foreach (var value in Values)
            {
                var expected = Render(template, value, culture, fast: false);
                var actual = Render(template, value, culture, fast: true);
                Assert.True(expected == actual, $"{Calls[call]} with v = {value ?? "null"} ({value?.GetType().Name}) in '{culture.Name}': Scriban gives {expected}, ours {actual}");
            }
        }
    }

    [Fact]
    public void A_double_is_formatted_in_the_templates_culture()
    {
        var template = Template.Parse("{{ v | math.format \"0.00\" }}");
        Assert.Equal("ok: 1,50", Render(template, 1.5, CultureInfo.GetCultureInfo("de-DE"), fast: true));
        Assert.Equal("ok: 1.50", Render(template, 1.5, CultureInfo.InvariantCulture, fast: true));
    }

    /// <summary>The rendered text, or "error: " and Scriban's message.</summary>
    private static string Render(Template template, object? value, CultureInfo culture, bool fast)
    {
        var builtins = TemplateContext.GetDefaultBuiltinObject();
        if (fast)
        {
            MathFormatFunction.Install(builtins);
        }

        var context = new TemplateContext(builtins);
        context.PushCulture(culture);
        var globals = new ScriptObject { ["v"] = value };
        context.PushGlobal(globals);
        try
        {
            return "ok: " + template.Render(context);
        }
        catch (Exception e) when (e is Scriban.Syntax.ScriptRuntimeException or FormatException or CultureNotFoundException)
        {
            return $"error {e.GetType().Name}: {e.Message}";
        }
    }
}
