using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Explainability.Core.Explanations;
using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.Policies;
using Explainability.Views.Projection;
using Explainability.Views.Rendering;
using Scriban.Runtime;

namespace Explainability.Server.Tests.Views;

/// <summary>
/// Random policies over the rows of both shipped models: the omission record's share of |phi| not shown is recomputed from
/// the view and the full explanation, and no template can reach what the view does not hold (the script object a template
/// sees holds no hidden feature's name or value and null for every field the policy hides; no rendered page names them).
/// </summary>
public sealed class ShippedModelPolicyPropertyTests
{
    private const int RowsPerModel = 40;
    private const int PoliciesPerModel = 250;

    private static readonly TemplateRenderer Renderer = TemplateRenderer.FromDefaultLocation();

    private static readonly string[] Tags = ["protected", "internal", "actionable"];

    private static readonly HashSet<string> ViewMemberNames = typeof(AudienceView).Assembly.GetTypes()
        .Where(t => t.Namespace == "Explainability.Views" || t.Namespace == "Explainability.Views.Omissions")
        .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        .Select(StandardMemberRenamer.Rename)
        .Concat(["key", "value"])
        .ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string, int> Models => new() { { "credit-risk", 101 }, { "card-fraud", 202 } };

    private static AudiencePolicy RandomPolicy(Random rng)
    {
        string audience = Audiences.All[rng.Next(Audiences.All.Count)];
        string[] hiddenTags = [.. Tags.Where(_ => rng.Next(3) == 0)];
        return RandomPolicy(rng, audience, hiddenTags);
    }

    private static AudiencePolicy RandomPolicy(Random rng, string audience, string[] hiddenTags) => new AudiencePolicy
    {
        Audience = audience,
        Selection = (Selection)rng.Next(4),
        TopK = rng.Next(0, 12),
        TopLowering = rng.Next(0, 4),
        // The customer always hides protected and internal features (AudiencePolicy.Validated refuses otherwise).
        HiddenTags = audience == Audiences.Customer ? [.. hiddenTags.Union(AudiencePolicy.CustomerAlwaysHidden, StringComparer.Ordinal)] : hiddenTags,
        GroupByFeatureGroup = rng.Next(2) == 0,
        Scale = (OutputScale)rng.Next(2),
        Decimals = rng.Next(3) == 0 ? null : rng.Next(0, 5),
        Language = "en",
        Context = (ContextBlocks)rng.Next(64),
        // The customer never sees numbers (AudiencePolicy.Validated refuses otherwise).
        ShowScore = audience != Audiences.Customer && rng.Next(2) == 0,
        ShowBaseValue = audience != Audiences.Customer && rng.Next(2) == 0,
        ShowValues = audience != Audiences.Customer && rng.Next(3) != 0,
        ShowTechnicalDetails = audience != Audiences.Customer && rng.Next(2) == 0,
        ShowOffset = audience != Audiences.Customer && rng.Next(2) == 0,
        ShowUncertainty = audience != Audiences.Customer && rng.Next(2) == 0,
        GovernanceThreshold = rng.Next(2) == 0 ? null : Math.Round(rng.NextDouble() * 0.2, 3),
    }.Validated();

    [Theory]
    [MemberData(nameof(Models))]
    public void Random_policies_on_shipped_rows_measure_what_they_leave_out_and_templates_reach_only_the_view(string id, int seed)
    {
        using var model = LoadedModel.Load(Path.Combine(ServerFixture.ModelsDirectory, id));
        var rows = model.Background!.SelectRows(Enumerable.Range(0, RowsPerModel));
        var explanation = ExplanationService.Explain(model, rows, new ExplainOptions(AllowExtraColumns: true)).Explanation;
        int output = ExplanationContext.PositiveOutput(explanation, model.Card);
        // Each row's case values as a view shows them (raw value with unit or category label), to look for in what templates reach.
        var caseValues = Enumerable.Range(0, RowsPerModel).Select(r => Projector.Run(
            ExplanationContext.Create(explanation, r, output, model.Card, rows, null),
            new AudiencePolicy { Audience = Audiences.DataScientist, Context = ContextBlocks.CaseValues }).View.Items.ToDictionary(i => i.Key, i => i.CaseValue!, StringComparer.Ordinal)).ToList();
        var rng = new Random(seed);
        int hiddenSeen = 0, alertsSeen = 0, htmlRendered = 0;
        for (int i = 0; i < PoliciesPerModel; i++)
        {
            var policy = RandomPolicy(rng);
            int row = rng.Next(RowsPerModel);
            var context = ExplanationContext.Create(explanation, row, output, model.Card, rows, model.Background) with { Reference = model.ReferenceAttributions };
            var result = Projector.Run(context, policy);
            var view = result.View;

            // Share not shown, recomputed from the view's items and the full explanation: each shown item counts with the
            // value the reader sees (a group's net sum of its members' phi, so what cancels inside a group is not shown).
            var phi = Enumerable.Range(0, explanation.FeatureCount).ToDictionary(f => explanation.FeatureNames[f], f => explanation.Phi(row, f, output), StringComparer.Ordinal);
            double total = phi.Values.Sum(Math.Abs);
            double shownAbs = view.Items.Sum(v => Math.Abs(v.Features.Sum(f => phi[f])));
            double expected = total > 0 ? 1 - (shownAbs / total) : 0;
            Assert.Equal(expected, view.Omissions.ShareOfAbsPhiNotShown, 10);
            Assert.Equal(expected, result.Record.ShareOfAbsPhiNotShown, 10);
            if (view.ValuesShown && view.Scale == "margin" && policy.Decimals is null)
            {
                // Where the view prints exact log-odds, the printed values themselves give the share.
                Assert.Equal(expected, total > 0 ? 1 - (view.Items.Sum(v => Math.Abs(v.Value!.Value)) / total) : 0, 10);
            }
            else if (view.ValuesShown && policy.Decimals is null && view.ScaleMethod is not null && view.Items.Any(v => v.Value != 0))
            {
                // Rescaled to probability points, every value is multiplied by one factor: the shown values are proportional
                // to the explanation-space values the share is measured on.
                var item = view.Items.MaxBy(v => Math.Abs(v.Value!.Value))!;
                double factor = item.Value!.Value / item.Features.Sum(f => phi[f]);
                Assert.Equal(shownAbs * factor, view.Items.Sum(v => Math.Abs(v.Value!.Value)), 8);
            }

            var hidden = model.Card.Features.Where(f => f.Tags.Any(t => policy.HiddenTags.Contains(t, StringComparer.Ordinal))).ToList();
            hiddenSeen += hidden.Count > 0 ? 1 : 0;
            alertsSeen += view.Alerts.Count;
            Assert.DoesNotContain(view.Items, v => v.Features.Any(f => hidden.Any(h => h.Name == f)));

            // What a template can reach: the script object, and nothing in it about the hidden features.
            var script = ViewScriptObject.From(view);
            Assert.Equal(typeof(AudienceView).GetProperties().Select(StandardMemberRenamer.Rename).Order(StringComparer.Ordinal), script.Keys.Order(StringComparer.Ordinal));
            var strings = new List<string>();
            Walk(script, strings);
            var shownCaseValues = view.Items.Select(v => v.CaseValue).Where(v => v is not null).ToHashSet(StringComparer.Ordinal);
            var hiddenName = hidden.Count == 0 ? null : new Regex($@"\b(?:{string.Join("|", hidden.Select(h => Regex.Escape(h.Name)))})\b", RegexOptions.CultureInvariant);
            var hiddenValues = hidden.Select(h => caseValues[row][h.Name]).Where(v => !shownCaseValues.Contains(v)).ToHashSet(StringComparer.Ordinal);
            foreach (string s in strings)
            {
                Assert.False(hiddenName?.IsMatch(s) == true, $"{id}: a hidden feature's name reaches a template in '{s}' under {Describe(policy)}");
                Assert.DoesNotContain(hidden, h => s.Contains(h.DisplayName["en"], StringComparison.Ordinal));
                Assert.DoesNotContain(s, hiddenValues);
            }

            AssertHiddenFieldsAreNull(script, policy);

            // And every template of the audience renders without naming them.
            foreach (string format in TemplateRenderer.ExplanationFormats)
            {
                if (!File.Exists(Path.Combine(Renderer.TemplatesDirectory, view.Audience, $"explanation.{format}.scriban")))
                {
                    continue;
                }

                htmlRendered += format == "html" ? 1 : 0;
                string text = Renderer.Render(view, format).Replace(view.ModelDescription, "", StringComparison.Ordinal).Replace(view.OutputDescription, "", StringComparison.Ordinal);
                Assert.False(hiddenName?.IsMatch(text) == true, $"{id}: a hidden feature's name in the {view.Audience} {format} view under {Describe(policy)}");
                foreach (var h in hidden)
                {
                    Assert.DoesNotContain(System.Net.WebUtility.HtmlEncode(h.DisplayName["en"]), text, StringComparison.Ordinal);
                }
            }
        }

        Assert.True(hiddenSeen > PoliciesPerModel / 3, $"{id}: only {hiddenSeen} policies hid a feature");
        Assert.True(htmlRendered > PoliciesPerModel / 4, $"{id}: only {htmlRendered} HTML renderings");
        Assert.True(id != "credit-risk" || alertsSeen > 10, $"{id}: only {alertsSeen} governance alerts raised");
    }

    private static void AssertHiddenFieldsAreNull(ScriptObject view, AudiencePolicy policy)
    {
        var items = ((ScriptArray)view["items"]!).Cast<ScriptObject>().ToList();
        var omissions = (ScriptObject)view["omissions"]!;
        if (!policy.ShowScore)
        {
            Assert.Null(view["model_output"]);
            Assert.Null(view["probability"]);
            Assert.Null(view["decision_threshold"]);
        }

        if (!policy.ShowBaseValue)
        {
            Assert.Null(view["base_value"]);
        }

        if (!policy.ShowValues)
        {
            Assert.All(items, i => Assert.Null(i["value"]));
            Assert.All(items, i => Assert.Null(i["standard_error"]));
            Assert.Null(omissions["unexplained_part"]);
            Assert.All(((ScriptArray)omissions["entries"]!).Cast<ScriptObject>(), e => Assert.Null(e["unexplained_part"]));
            Assert.Null(view["waterfall"]);
        }

        if (!policy.ShowTechnicalDetails)
        {
            Assert.Null(view["method"]);
            Assert.Null(view["parameters"]);
            Assert.Null(view["additivity_residual"]);
        }

        if (!policy.ShowUncertainty)
        {
            Assert.All(items, i => Assert.Null(i["standard_error"]));
        }

        if (!policy.Context.HasFlag(ContextBlocks.CaseValues))
        {
            Assert.All(items, i => Assert.Null(i["case_value"]));
        }

        if (!policy.Context.HasFlag(ContextBlocks.GlobalImportance))
        {
            Assert.Null(view["global_importance"]);
        }
    }

    private static void Walk(object? value, List<string> strings)
    {
        switch (value)
        {
            case string s:
                strings.Add(s);
                break;
            case ScriptObject o:
                foreach (var (key, child) in o)
                {
                    Assert.Contains(key, ViewMemberNames);
                    Walk(child, strings);
                }

                break;
            case IEnumerable list:
                foreach (var child in list)
                {
                    Walk(child, strings);
                }

                break;
            default:
                Assert.True(value is null or bool or int or long or double, $"a {value?.GetType()} reaches a template");
                break;
        }
    }

    private static string Describe(AudiencePolicy p) =>
        $"{p.Audience} {p.Selection} topK={p.TopK}/{p.TopLowering} hidden=[{string.Join(",", p.HiddenTags)}] group={p.GroupByFeatureGroup} {p.Scale} decimals={p.Decimals} context={p.Context}";
}
