using Explainability.Server.Explaining;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;
using Explainability.Views.Projection;
using Explainability.Views.Rendering;

namespace Explainability.Server.Tests.Views;

/// <summary>Every entry of a view's omission record is rendered, in the audience's own words, by every template of the
/// audience (text, md, html, and the Dutch ones): removing the entry from the record changes what the template prints.</summary>
public sealed class OmissionRenderingTests
{
    private static readonly TemplateRenderer Renderer = TemplateRenderer.FromDefaultLocation();

    [Theory]
    [InlineData("credit-risk")]
    [InlineData("card-fraud")]
    public void Every_omission_entry_reaches_every_template_of_the_audience(string id)
    {
        using var model = LoadedModel.Load(Path.Combine(ServerFixture.ModelsDirectory, id));
        int[] rows = [0, 3, 7, 9, 12];
        var rowsTable = model.Background!.SelectRows(rows);
        var explanation = ExplanationService.Explain(model, rowsTable, new ExplainOptions(AllowExtraColumns: true)).Explanation;
        int output = ExplanationContext.PositiveOutput(explanation, model.Card);
        var seen = new HashSet<OmissionKind>();
        foreach (string audience in Audiences.All)
        {
            var defaults = PolicyReader.ForModel(AudiencePolicies.For(audience), model.Card);
            // The shipped policy, and one that leaves out everything it can, so that every kind of entry occurs.
            AudiencePolicy[] policies =
            [
                defaults,
                defaults with
                {
                    Selection = Selection.TopByMagnitude, TopK = 2, Scale = OutputScale.Probability, Decimals = 2, GroupByFeatureGroup = audience != Audiences.Customer,
                    ShowScore = false, ShowBaseValue = false, ShowValues = audience != Audiences.Customer, ShowTechnicalDetails = false, ShowUncertainty = false, ShowOffset = false,
                },
                defaults with { ShowValues = false, ShowBaseValue = false, ShowTechnicalDetails = false },
            ];
            foreach (var policy in policies)
            {
                for (int r = 0; r < rows.Length; r++)
                {
                    var context = ExplanationContext.Create(explanation, r, output, model.Card, rowsTable, model.Background) with { Reference = model.ReferenceAttributions };
                    foreach (string language in (string[])["en", "nl"])
                    {
                        var view = Projector.Run(context, policy with { Language = language }).View;
                        foreach (string format in Renderer.FormatsFor(audience))
                        {
                            string full = Renderer.Render(view, format);
                            foreach (var entry in view.Omissions.Entries)
                            {
                                seen.Add(entry.Kind);
                                var without = view with { Omissions = view.Omissions with { Entries = [.. view.Omissions.Entries.Where(e => !ReferenceEquals(e, entry))] } };
                                Assert.True(full != Renderer.Render(without, format),
                                    $"{id} row {rows[r]}: the {audience} {language} {format} template does not render the '{PolicyReader.Kebab(entry.Kind.ToString())}' entry ({entry.Rule})");
                            }
                        }
                    }
                }
            }
        }

        // The shipped models have no per-row offset, the exact tree method no standard errors, and each serves one explained
        // output (so no other outputs are left out); every other kind was rendered.
        OmissionKind[] absent = [OmissionKind.OffsetNotShown, OmissionKind.UncertaintyDropped, OmissionKind.OtherOutputs];
        Assert.Equal(Enum.GetValues<OmissionKind>().Except(absent).Order(), seen.Except(absent).Order());
    }
}
