using System.Globalization;
using System.Text.RegularExpressions;
using Explainability.Core.Data;
using Explainability.Protos;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.ModelCards;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Explainability.Server.Tests;

/// <summary>
/// What the customer and fraud-analyst views show on the shipped models, checked against independent computations:
/// ONNX Runtime run directly on the raw inputs, percentiles and nearest neighbours recomputed by brute force from the CSV
/// files beside the models.
/// </summary>
[Collection(ServerTestGroup.Name)]
public sealed partial class AudienceContentTests(ServerFixture server)
{
    private static readonly string[] Languages = ["en", "nl"];
    private static readonly string[] Formats = ["text", "md"];

    private ExplanationService Service { get; } = new(ViewService.CreateDefault());

    [Theory]
    [InlineData("credit-risk", 40)]
    [InlineData("card-fraud", 12)]
    public async Task Customer_view_never_names_or_shows_a_protected_or_internal_feature_nor_a_score_in_any_language(string modelId, int rows)
    {
        var model = server.Registry.Get(modelId);
        var hidden = model.Card.Features.Where(f => f["protected"] || f["internal"]).ToList();
        Assert.NotEmpty(hidden);
        int[] picked = [.. Enumerable.Range(0, rows)];
        var table = server.BackgroundTable(modelId, picked);
        var outcome = ExplanationService.Explain(model, table, new ExplainOptions(AllowExtraColumns: true));
        int suggestions = 0, hiddenFlagged = 0;
        foreach (string language in Languages)
        {
            foreach (string format in Formats)
            {
                var request = new ExplainRequest { ModelId = modelId, Language = language, Format = format };
                request.Rows.Add(server.BackgroundRows(modelId, picked));
                request.Audiences.Add(Audiences.Customer);
                var response = await server.Client.ExplainAsync(request);
                for (int r = 0; r < rows; r++)
                {
                    var rendered = Service.Render(outcome, r, Audiences.Customer, format, language);
                    string text = response.Rows[r].Views.Single().Rendered;
                    Assert.Equal(rendered.Rendered, text);
                    var view = rendered.View;
                    string where = $"{modelId} row {r} {language} {format}";

                    // The view object: no hidden feature anywhere, no score, band, threshold or amount.
                    Assert.Null(view.ModelOutput);
                    Assert.Null(view.Probability);
                    Assert.Null(view.DecisionThreshold);
                    Assert.Null(view.BaseValue);
                    Assert.Null(view.RiskBand);
                    Assert.Null(view.SimilarCases);
                    Assert.False(view.ValuesShown);
                    Assert.All(view.Items, i => Assert.Null(i.Value));
                    var names = hidden.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
                    Assert.DoesNotContain(view.Items.SelectMany(i => i.Features), names.Contains);
                    Assert.DoesNotContain(view.Omissions.Entries.SelectMany(e => e.Features), names.Contains);
                    Assert.DoesNotContain(view.Counterfactuals?.Suggestions.SelectMany(s => s.Changes) ?? [], c => names.Contains(c.Feature));
                    suggestions += view.Counterfactuals?.Suggestions.Count ?? 0;

                    // card-fraud has no actionable feature: an adverse case gets "nothing to change", never "no change helps".
                    Assert.Equal(modelId == "card-fraud" && view.Counterfactuals is not null, view.Counterfactuals?.NothingToChange == true);
                    hiddenFlagged += view.HiddenFactorAmongTop ? 1 : 0;

                    // The rendered text: no name in any language, no category label, no value of a hidden feature.
                    foreach (var f in hidden)
                    {
                        Assert.False(ContainsWord(text, f.Name), $"{where}: names '{f.Name}'");
                        foreach (string label in f.DisplayName.Values)
                        {
                            // As a word: "Age" is inside the Dutch "dragen".
                            Assert.False(ContainsWord(text, label), $"{where}: names '{label}'");
                        }

                        var value = table[r, table.IndexOf(f.Name)];
                        if (f.Type == "categorical")
                        {
                            // Labels of two or three letters ("Yes", "No") are ordinary words; longer ones identify the value.
                            string label = f.Categories![value.Text!];
                            Assert.True(label.Length <= 3 || !text.Contains(label, StringComparison.OrdinalIgnoreCase), $"{where}: shows '{label}'");
                        }
                        else
                        {
                            string number = value.Number.ToString("G6", CultureInfo.InvariantCulture);
                            Assert.False(text.Contains($"{number} {f.Unit}", StringComparison.Ordinal), $"{where}: shows '{number} {f.Unit}'");
                        }
                    }

                    // Every number in the text is one the customer can use: the share of weight left out, how many unlisted factors weighed, or a value of a
                    // suggested change or of a visible category label. Never the score.
                    double p = Core.Explanations.Link.Logistic(outcome.Explanation.Output(r, 0));
                    var allowed = new HashSet<string>(StringComparer.Ordinal)
                    {
                        (view.Omissions.ShareOfAbsPhiNotShown * 100).ToString("0", CultureInfo.InvariantCulture),
                        // How many factors it cannot list also weighed (never which).
                        view.HiddenFactorsAmongTop.ToString(CultureInfo.InvariantCulture),
                    };
                    foreach (string s in (view.Counterfactuals?.Suggestions.SelectMany(s => s.Changes).SelectMany(c => new[] { c.From, c.To }) ?? [])
                        .Concat(view.Items.SelectMany(i => new[] { i.Label, i.Reason ?? "", i.Description ?? "" })))
                    {
                        allowed.UnionWith(Numbers().Matches(s).Select(m => m.Value));
                    }

                    foreach (Match m in Numbers().Matches(text))
                    {
                        Assert.True(allowed.Contains(m.Value), $"{where}: the number {m.Value} is neither the omitted share, a suggested value nor part of a shown label (probability {p:R})\n{text}");
                    }

                    Assert.DoesNotContain((100 * p).ToString("0.0", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
                }
            }
        }

        if (modelId == "credit-risk")
        {
            Assert.True(suggestions > 0, "no counterfactual was shown on any credit-risk row: the check above is vacuous");
        }
    }

    /// <summary>card-fraud's V1..V28 have no published meaning: the customer reads them as one group with the card's
    /// plain reason for it, never as "component N", and the group's value is the sum of its members' SHAP values.</summary>
    [Fact]
    public void Card_fraud_customer_reads_the_anonymised_components_as_one_plainly_worded_reason()
    {
        var model = server.Registry.Get("card-fraud");
        var components = model.Card.Features.Where(f => f.Group == "Behaviour components").Select(f => f.Name).ToList();
        Assert.Equal(28, components.Count);
        int[] picked = [.. Enumerable.Range(0, 20)];
        var outcome = ExplanationService.Explain(model, server.BackgroundTable("card-fraud", picked), new ExplainOptions(AllowExtraColumns: true));
        int output = model.ExplainedOutput(outcome.Explanation);
        int groupShown = 0;
        foreach (string language in Languages)
        {
            foreach (int r in picked)
            {
                var view = Service.Render(outcome, r, Audiences.Customer, "text", language);
                Assert.DoesNotContain("component 1", view.Rendered, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("componenten 1", view.Rendered, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotMatch(@"(component|Gedragscomponent) \d", view.Rendered);
                var group = view.View.Items.SingleOrDefault(i => i.Key == "group:Behaviour components");
                if (group is null)
                {
                    continue;
                }

                groupShown++;
                Assert.Equal(model.Card.Features.Single(f => f.Name == "V1").Reason![language], group.Reason);
                Assert.Contains(group.Reason!, view.Rendered, StringComparison.Ordinal);
                Assert.Equal(components, group.Features);
            }
        }

        // The components together weigh most in nearly every case; a test that never saw the group would prove nothing.
        Assert.True(groupShown >= 30, $"the group was a reason in only {groupShown} of 40 views");
    }

    /// <summary>A business manager reads a large area by its first members and a count, not a list of 28 anonymised
    /// component names; a small area still lists every member.</summary>
    [Theory]
    [InlineData("text")]
    [InlineData("md")]
    [InlineData("html")]
    public void Business_manager_names_a_large_area_by_its_first_members_and_how_many_more(string format)
    {
        var model = server.Registry.Get("card-fraud");
        var outcome = ExplanationService.Explain(model, server.BackgroundTable("card-fraud", [0, 1, 2, 3]), new ExplainOptions(AllowExtraColumns: true));
        int seen = 0;
        for (int r = 0; r < 4; r++)
        {
            var view = Service.Render(outcome, r, Audiences.BusinessManager, format);
            foreach (var item in view.View.Items.Where(i => i.Features.Count > 1))
            {
                var labels = item.FeatureLabels;
                string rendered = format == "html" ? System.Net.WebUtility.HtmlDecode(view.Rendered) : view.Rendered;
                if (labels.Count > 5)
                {
                    seen++;
                    Assert.Contains($"{string.Join(", ", labels.Take(3))} and {labels.Count - 3} more", rendered, StringComparison.Ordinal);
                    Assert.DoesNotContain(labels[^1], rendered, StringComparison.Ordinal);
                }
                else
                {
                    Assert.Contains(string.Join(", ", labels), rendered, StringComparison.Ordinal);
                }
            }
        }

        Assert.True(seen > 0, "no business-manager item had more than five features: the check above is vacuous");
    }

    /// <summary>Similar cases come from the reference set explained with an exact method; for a sampled explanation the
    /// fraud view says they are not available and why, instead of silently dropping the section.</summary>
    [Fact]
    public void Fraud_view_of_a_sampled_explanation_says_why_similar_cases_are_not_available()
    {
        var model = server.Registry.Get("card-fraud");
        var outcome = ExplanationService.Explain(model, server.BackgroundTable("card-fraud", [2]), new ExplainOptions("permutation", AllowExtraColumns: true, NSamples: 10, Seed: 7));
        var tree = ExplanationService.Explain(model, server.BackgroundTable("card-fraud", [2]), new ExplainOptions(AllowExtraColumns: true));

        var sampled = Service.Render(outcome, 0, Audiences.FraudAnalyst, "text");
        var exact = Service.Render(tree, 0, Audiences.FraudAnalyst, "md");

        Assert.Null(sampled.View.SimilarCases);
        Assert.Contains("Most similar reference cases: not available (the reference set is compared in the SHAP values of tree_path_dependent, interventional, linear only; this explanation is permutation)", sampled.Rendered, StringComparison.Ordinal);
        Assert.Null(exact.View.SimilarCasesUnavailable);
        Assert.Equal(SimilarCaseFinder.DefaultCount, exact.View.SimilarCases!.Count);
        Assert.DoesNotContain("not available", exact.Rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_counterfactual_shown_flips_the_decision_when_rescored_independently_with_ONNX_Runtime()
    {
        var model = server.Registry.Get("credit-risk");
        var card = model.Card;
        int[] picked = [.. Enumerable.Range(0, 60)];
        var table = server.BackgroundTable("credit-risk", picked);
        var outcome = ExplanationService.Explain(model, table, new ExplainOptions(AllowExtraColumns: true));
        using var session = new InferenceSession(Path.Combine(ServerFixture.ModelsDirectory, "credit-risk", card.ModelFile));
        int adverse = 0, shown = 0, pairs = 0, none = 0;
        for (int r = 0; r < picked.Length; r++)
        {
            var raw = card.Features.ToDictionary(f => f.Name, f => table[r, table.IndexOf(f.Name)].ToString(), StringComparer.Ordinal);
            double original = Score(session, card, raw);
            var view = Service.Render(outcome, r, Audiences.Customer, "text", "en").View;
            if (original < card.Output.DecisionThreshold)
            {
                Assert.Null(view.Counterfactuals);
                continue;
            }

            adverse++;
            Assert.NotNull(view.Counterfactuals);
            none += view.Counterfactuals.Suggestions.Count == 0 ? 1 : 0;
            foreach (var suggestion in view.Counterfactuals.Suggestions)
            {
                Assert.InRange(suggestion.Changes.Count, 1, 2);
                var changed = new Dictionary<string, string>(raw, StringComparer.Ordinal);
                foreach (var change in suggestion.Changes)
                {
                    // Read back the raw value from what the customer is shown: a category label or "number unit".
                    var feature = card.Features.Single(f => f.Name == change.Feature);
                    Assert.True(feature["actionable"], $"row {r}: {feature.Name} is not actionable");
                    Assert.Equal(DisplayText(feature, raw[feature.Name]), change.From);
                    string to = feature.Type == "categorical"
                        ? feature.Categories!.Single(c => c.Value == change.To).Key
                        : change.To.Split(' ')[0];
                    AssertAllowedDirection(feature, raw[feature.Name], to);
                    changed[feature.Name] = to;
                }

                double score = Score(session, card, changed);
                Assert.True(score < card.Output.DecisionThreshold,
                    $"row {r}: {string.Join(", ", suggestion.Changes.Select(c => $"{c.Feature} {c.From} -> {c.To}"))} scores {score:R} (was {original:R}), not below {card.Output.DecisionThreshold}");
                shown++;
                pairs += suggestion.Changes.Count == 2 ? 1 : 0;
            }
        }

        Assert.True(adverse >= 5 && shown >= 5 && pairs >= 1, $"{adverse} adverse rows, {shown} suggestions, {pairs} pairs, {none} rows with none: too few to test");
    }

    [Theory]
    [InlineData("card-fraud")]
    [InlineData("credit-risk")]
    public void Fraud_view_percentiles_and_band_match_a_direct_computation_on_the_background_file(string modelId)
    {
        var model = server.Registry.Get(modelId);
        var (header, background) = ReadCsv(Path.Combine(ServerFixture.ModelsDirectory, modelId, model.Card.BackgroundFile!));
        int[] picked = [.. Enumerable.Range(0, 15)];
        var table = server.BackgroundTable(modelId, picked);
        var outcome = ExplanationService.Explain(model, table, new ExplainOptions(AllowExtraColumns: true));
        int checkedCount = 0;
        for (int r = 0; r < picked.Length; r++)
        {
            var view = Service.Render(outcome, r, Audiences.FraudAnalyst).View;
            double p = Core.Explanations.Link.Logistic(outcome.Explanation.Output(r, 0));
            var bands = model.Card.Output.Bands;
            Assert.Equal(bands.Last(b => b.LowerBound <= p).Name, view.RiskBand);
            Assert.NotEmpty(view.Raising);
            foreach (var item in view.Items)
            {
                var feature = model.Card.Features.Single(f => f.Name == item.Key);
                int c = header.IndexOf(feature.Name);
                string caseCell = background[picked[r]][c];
                var column = background.Select(row => row[c]).Where(v => v.Length > 0).ToList();
                double expected = feature.Type == "categorical"
                    ? 100.0 * column.Count(v => v == caseCell) / column.Count
                    : 100.0 * (column.Count(v => Num(v) < Num(caseCell)) + (column.Count(v => Num(v) == Num(caseCell)) / 2.0)) / column.Count;
                Assert.NotNull(item.Percentile);
                Assert.Equal(expected, item.Percentile!.Value, 9);
                checkedCount++;
            }
        }

        Assert.True(checkedCount >= 15 * 5);
    }

    [Theory]
    [InlineData("card-fraud", "tree_path_dependent")]
    [InlineData("credit-risk", "tree_path_dependent")]
    [InlineData("card-fraud", "interventional")]
    public void Similar_cases_are_the_true_nearest_reference_rows_by_brute_force_with_their_labels(string modelId, string method)
    {
        var model = server.Registry.Get(modelId);
        var reference = model.Card.Reference!;
        string path = Path.Combine(ServerFixture.ModelsDirectory, modelId, reference.File);
        var (header, rows) = ReadCsv(path);
        Assert.Equal(200, rows.Count);
        var referenceTable = LoadedModel.ReadTable(path, model.Card);
        var referenceExplanation = ExplanationService.Explain(model, referenceTable, new ExplainOptions(method, AllowExtraColumns: true)).Explanation;
        int[] picked = [0, 3, 7, 11];
        var outcome = ExplanationService.Explain(model, server.BackgroundTable(modelId, picked), new ExplainOptions(method, AllowExtraColumns: true));
        int m = outcome.Explanation.FeatureCount;
        for (int r = 0; r < picked.Length; r++)
        {
            var view = Service.Render(outcome, r, Audiences.FraudAnalyst).View;
            var expected = Enumerable.Range(0, rows.Count)
                .Select(j => (Row: j, Distance: Math.Sqrt(Enumerable.Range(0, m).Sum(f => Math.Pow(outcome.Explanation.Phi(r, f, 0) - referenceExplanation.Phi(j, f, 0), 2)))))
                .OrderBy(x => x.Distance).ThenBy(x => x.Row)
                .Take(3)
                .ToList();
            Assert.NotNull(view.SimilarCases);
            Assert.Equal(expected.Select(e => e.Row), view.SimilarCases.Select(s => s.ReferenceRow));
            Assert.Equal([1, 2, 3], view.SimilarCases.Select(s => s.Rank));
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(expected[k].Distance, view.SimilarCases[k].Distance, 9);
                string label = rows[expected[k].Row][header.IndexOf(reference.LabelColumn)];
                Assert.Equal(reference.Labels[label], view.SimilarCases[k].Outcome);
            }

            string text = Service.Render(outcome, r, Audiences.FraudAnalyst).Rendered;
            Assert.Contains($"1. reference row {expected[0].Row}: {view.SimilarCases[0].Outcome}", text, StringComparison.Ordinal);
            Assert.Contains($"band: {view.RiskBand}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reference_sets_are_labelled_source_rows_outside_the_background()
    {
        foreach (string id in new[] { "credit-risk", "card-fraud" })
        {
            var card = server.Registry.Get(id).Card;
            var source = File.ReadAllLines(Path.Combine(ServerFixture.ModelsDirectory, id, "training-data.csv"));
            var background = File.ReadAllLines(Path.Combine(ServerFixture.ModelsDirectory, id, card.BackgroundFile!));
            var reference = File.ReadAllLines(Path.Combine(ServerFixture.ModelsDirectory, id, card.Reference!.File));

            Assert.Equal(source[0], reference[0]);
            Assert.Contains(card.Reference.LabelColumn, reference[0].Split(','));
            Assert.Equal(200, reference.Skip(1).Distinct(StringComparer.Ordinal).Count());
            Assert.Empty(reference.Skip(1).Except(source.Skip(1), StringComparer.Ordinal));
            Assert.Empty(reference.Skip(1).Intersect(background.Skip(1), StringComparer.Ordinal));
        }
    }

    private static double Num(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    private static string DisplayText(FeatureCard feature, string raw) => feature.Type == "categorical"
        ? feature.Categories![raw]
        : $"{Num(raw).ToString("G6", CultureInfo.InvariantCulture)} {feature.Unit}".TrimEnd();

    private static void AssertAllowedDirection(FeatureCard feature, string from, string to)
    {
        Assert.NotEqual(from, to);
        if (feature.ActionableDirection == "any")
        {
            return;
        }

        var order = (feature.ActionableOrder ?? [.. feature.Categories?.Keys ?? []]).ToList();
        if (feature.Type == "categorical")
        {
            Assert.Contains(from, order);
            Assert.Contains(to, order);
        }

        int sign = feature.Type == "categorical" ? Math.Sign(order.IndexOf(to) - order.IndexOf(from)) : Math.Sign(Num(to) - Num(from));
        Assert.Equal(feature.ActionableDirection == "increase" ? 1 : -1, sign);
    }

    /// <summary>The served probability of the positive class by ONNX Runtime on one raw row, fed input by input.</summary>
    private static double Score(InferenceSession session, ModelCard card, Dictionary<string, string> raw)
    {
        var feeds = new List<NamedOnnxValue>();
        foreach (var feature in card.Features)
        {
            feeds.Add(feature.Type == "categorical"
                ? NamedOnnxValue.CreateFromTensor(feature.Name, new DenseTensor<string>(new[] { raw[feature.Name] }, [1, 1]))
                : NamedOnnxValue.CreateFromTensor(feature.Name, new DenseTensor<float>(new[] { float.Parse(raw[feature.Name], CultureInfo.InvariantCulture) }, [1, 1])));
        }

        using var results = session.Run(feeds, [card.Output.OnnxOutput]);
        return results.Single().AsTensor<float>().GetValue(0);
    }

    private static (List<string> Header, List<string[]> Rows) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        return ([.. lines[0].Split(',')], [.. lines.Skip(1).Select(l => l.Split(','))]);
    }

    private static bool ContainsWord(string text, string word) => Regex.IsMatch(text, $@"\b{Regex.Escape(word)}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\d+(?:[.,]\d+)*")]
    private static partial Regex Numbers();
}
