using System.Globalization;
using System.Text.RegularExpressions;
using Explainability.Views.ModelCards;

namespace Explainability.Cli.Tests;

/// <summary>
/// The customer text of every background row of a shipped model, through the command line, against the decision ONNX
/// Runtime's probability gives: the adverse sentence exactly for the rows at or above the card's threshold.
/// </summary>
public sealed partial class CustomerDecisionTests
{
    public static TheoryData<string> Models => ["credit-risk", "card-fraud"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Customer_text_states_the_outcome_of_ONNX_Runtimes_probability_for_every_background_row_and_no_hidden_feature_or_score(string model)
    {
        string folder = Path.Combine(RepoRoot.Path, "models", model);
        var card = ModelCardReader.Read(Path.Combine(folder, "model-card.json"));
        string background = Path.Combine(folder, card.BackgroundFile!);
        var (header, rows) = ExplainCommandTests.ReadCsv(background);
        var probability = OrtReference.Run(Path.Combine(folder, card.ModelFile), header, rows, card.Output.OnnxOutput);

        var run = CliRun.Of("explain", "--model", folder, "--input", background, "--audience", "customer");

        Assert.Equal(0, run.Code);
        Assert.Empty(run.Error);
        var sections = Sections(run.Output, model);
        Assert.Equal(rows.Length, sections.Count);

        var hidden = card.Features.Where(f => f["protected"] || f["internal"]).Select(f => f.DisplayName["en"]).ToList();
        var cardNumbers = card.Features
            .SelectMany(f => NumberPattern().Matches(f.DisplayName["en"] + " " + f.Description).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);

        // Counterfactual suggestions name values of actionable features: category labels, or background values with their unit.
        foreach (var f in card.Features.Where(f => f["actionable"]))
        {
            cardNumbers.UnionWith((f.Categories?.Values ?? []).SelectMany(l => NumberPattern().Matches(l).Select(m => m.Value)));
            int column = Array.IndexOf(header, f.Name);
            if (f.Type == "numeric")
            {
                cardNumbers.UnionWith(rows.Select(row => double.Parse(row[column], CultureInfo.InvariantCulture).ToString("G6", CultureInfo.InvariantCulture)));
            }
        }

        int adverseByOrt = 0, adverseInText = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            string text = sections[r];
            bool adverse = probability[r] >= card.Output.DecisionThreshold;
            adverseByOrt += adverse ? 1 : 0;
            bool saysAdverse = text.Contains(card.Output.PositiveOutcome, StringComparison.Ordinal);
            bool saysFavourable = text.Contains(card.Output.NegativeOutcome, StringComparison.Ordinal);
            adverseInText += saysAdverse ? 1 : 0;
            Assert.True(adverse == saysAdverse && adverse != saysFavourable,
                $"{model} row {r}: ONNX Runtime probability {probability[r].ToString("R", CultureInfo.InvariantCulture)}, text:\n{text}");
            Assert.DoesNotContain("against your application", text, StringComparison.Ordinal);

            foreach (string name in hidden)
            {
                Assert.DoesNotMatch(new Regex(@"\b" + Regex.Escape(name) + @"\b"), text);
            }

            // No score: the one percentage is the share of weight not listed, the one count how many factors it cannot list
            // also weighed; any other number is part of a feature's fixed name or description from the card.
            Assert.Equal(1, text.Count(c => c == '%'));
            string rest = HiddenCountSentence().Replace(ShareSentence().Replace(text, ""), "");
            Assert.All(NumberPattern().Matches(rest).Select(m => m.Value), n => Assert.Contains(n, cardNumbers));
            Assert.DoesNotContain("score:", text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(adverseByOrt, adverseInText);
        Assert.InRange(adverseByOrt, 1, rows.Length - 1);
    }

    [Fact]
    public void Language_option_renders_the_Dutch_customer_text_and_a_non_code_is_refused()
    {
        string folder = Path.Combine(RepoRoot.Path, "models", "credit-risk");
        using var temp = new TempFolder();
        string input = Path.Combine(temp.Path, "rows.csv");
        File.WriteAllLines(input, File.ReadAllLines(Path.Combine(folder, "background.csv")).Take(3));

        var nl = CliRun.Of("explain", "--model", folder, "--input", input, "--audience", "customer", "--language", "nl");
        var bad = CliRun.Of("explain", "--model", folder, "--input", input, "--audience", "customer", "--language", "../x");

        Assert.Equal(0, nl.Code);
        Assert.Contains("Waarom we tot dit besluit kwamen", nl.Output, StringComparison.Ordinal);
        Assert.Contains("Deze uitleg laat weg:", nl.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Why we reached", nl.Output, StringComparison.Ordinal);
        Assert.Equal(2, bad.Code);
        Assert.Contains("--language '../x' is not a language code", bad.Error, StringComparison.Ordinal);
    }

    /// <summary>The rendered text of each row, in row order, without the <c>--- model row N - customer ---</c> header.</summary>
    private static List<string> Sections(string output, string model)
    {
        var parts = output.Split($"--- {model} row ", StringSplitOptions.RemoveEmptyEntries);
        var sections = new List<string>();
        foreach (var (part, r) in parts.Select((p, i) => (p, i)))
        {
            string prefix = r.ToString(CultureInfo.InvariantCulture) + " - customer ---\n";
            Assert.StartsWith(prefix, part, StringComparison.Ordinal);
            sections.Add(part[prefix.Length..]);
        }

        return sections;
    }

    [GeneratedRegex(@"\d+(?:[.,]\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"carry about \d+% of the total weight")]
    private static partial Regex ShareSentence();

    [GeneratedRegex(@"- \d+ other factors, which we cannot list here")]
    private static partial Regex HiddenCountSentence();
}
