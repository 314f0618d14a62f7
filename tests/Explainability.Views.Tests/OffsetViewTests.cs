using System.Globalization;
using Explainability.Core.Explanations;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;
using Explainability.Views.Projection;

namespace Explainability.Views.Tests;

/// <summary>
/// Casebook C11 in the views: a per-row offset is its own line for the data scientist, part of every additivity sum, and
/// where a view leaves it out (it is no driver) an omission entry records it with its measured amount and share.
/// </summary>
public class OffsetViewTests
{
    private static readonly ViewService Service = ViewService.CreateDefault();
    private static readonly double Ln3 = Math.Log(3);

    private static ExplanationContext WithOffset(double offset)
    {
        var phi = TestData.NoHiddenOnTop;
        double baseMargin = -0.85;
        double output = baseMargin + phi.Sum() + offset;
        var e = TestData.Logistic(TestData.Columns, phi, baseMargin) with
        {
            ModelOutputs = [output],
            Offsets = [offset],
            OffsetInputs = ["offset"],
            AdditivityResiduals = Explanation.Residuals(1, phi.Length, 1, [.. phi], [baseMargin], [output], [offset]),
        };
        return ExplanationContext.Create(e, 0, 0, TestData.CreditCard(), TestData.CaseRow(), TestData.Background());
    }

    [Theory]
    [InlineData("text", "Per-row offset (input 'offset'): +1.098612 log-odds")]
    [InlineData("md", "**Per-row offset** (input 'offset'): +1.098612 log-odds")]
    public void DataScientist_shows_the_offset_line_and_leaves_nothing_out(string format, string line)
    {
        var projection = Service.ProjectWithRecord(WithOffset(Ln3), Audiences.DataScientist);
        Assert.Equal(Ln3, projection.View.Offset);
        Assert.Equal("input 'offset'", projection.View.OffsetSource);
        Assert.True(projection.Record.IsEmpty);
        Assert.Equal(0, projection.Record.UnexplainedPart!.Value, 12);
        Assert.Equal(0, projection.View.AdditivityResidual!.Value, 12);
        string text = Service.Render(projection.View, format);
        Assert.Contains(line, text, StringComparison.Ordinal);
        Assert.Contains("output - base - sum of SHAP values - offset", text, StringComparison.Ordinal);
        Assert.Contains("This explanation leaves out nothing", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_offset_no_offset_line_or_entry_appears()
    {
        foreach (var audience in Audiences.All)
        {
            var projection = Service.ProjectWithRecord(TestData.Credit(TestData.NoHiddenOnTop), audience);
            Assert.Null(projection.View.Offset);
            Assert.DoesNotContain(projection.Record.Entries, e => e.Kind == OmissionKind.OffsetNotShown);
            Assert.DoesNotContain("offset", Service.Render(projection.View, "text"), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(Audiences.BusinessManager)]
    [InlineData(Audiences.FraudAnalyst)]
    [InlineData(Audiences.Customer)]
    public void Other_audiences_record_the_left_out_offset_with_its_amount_and_share(string audience)
    {
        var projection = Service.ProjectWithRecord(WithOffset(Ln3), audience);
        Assert.Null(projection.View.Offset);
        var entry = Assert.Single(projection.Record.Entries, e => e.Kind == OmissionKind.OffsetNotShown);
        double totalAbsPhi = TestData.NoHiddenOnTop.Sum(Math.Abs);
        Assert.Equal(Ln3 / (totalAbsPhi + Ln3), entry.ShareOfAbsTotal!.Value, 12);
        Assert.Equal("showOffset = false", entry.Rule);
        Assert.Equal(["offset (input 'offset')"], entry.Fields);

        // In the view's unit: for probability views the offset is scaled by the same factor as every value.
        var scale = projection.Record.Entries.FirstOrDefault(e => e.Kind == OmissionKind.ScaleChanged);
        Assert.Equal(Ln3 * (scale?.ScaleFactor ?? 1), entry.UnexplainedPart!.Value, 12);
        string text = Service.Render(projection.View, "text");
        Assert.Contains(audience == Audiences.Customer ? "applies to your case as a whole" : "per-row adjustment of the score that is no driver", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Probability_view_with_the_offset_shown_still_adds_up_to_the_probability()
    {
        var policy = AudiencePolicies.DataScientist with { Scale = OutputScale.Probability };
        var result = Projector.Run(WithOffset(Ln3), policy);
        var view = result.View;
        Assert.NotNull(view.Offset);
        double sum = view.BaseValue!.Value + view.Items.Sum(i => i.Value!.Value) + view.Offset!.Value;
        Assert.Equal(view.ModelOutput!.Value, sum, 9);
        Assert.Equal(0, result.Record.UnexplainedPart!.Value, 9);
        Assert.Contains("offset", Assert.Single(result.Record.Entries, e => e.Kind == OmissionKind.ScaleChanged).Fields);
    }

    [Fact]
    public void Over_random_offsets_and_policies_the_shown_numbers_and_the_entries_account_for_the_offset()
    {
        var rng = new Random(11);
        for (int i = 0; i < 300; i++)
        {
            double offset = Math.Round((rng.NextDouble() - 0.5) * 6, 4);
            // Every audience that may show numbers (the customer's policy refuses them).
            var numeric = Audiences.All.Where(a => a != Audiences.Customer).ToList();
            var policy = AudiencePolicies.For(numeric[rng.Next(numeric.Count)]) with
            {
                Selection = (Selection)rng.Next(3),
                TopK = rng.Next(0, 6),
                Scale = (OutputScale)rng.Next(2),
                Decimals = null,
                ShowOffset = rng.Next(2) == 0,
                ShowValues = true,
                ShowScore = true,
                ShowBaseValue = true,
            };
            var result = Projector.Run(WithOffset(offset), policy);
            var v = result.View;
            string where = $"case {i}: offset {offset}, {policy}";

            // What the view shows adds up, with the offset when it is shown and as unexplained when it is not.
            double shown = v.BaseValue!.Value + v.Items.Sum(x => x.Value!.Value) + (v.Offset ?? 0);
            Assert.True(Math.Abs(v.ModelOutput!.Value - shown - result.Record.UnexplainedPart!.Value) < 1e-9, where);
            Assert.Equal(policy.ShowOffset, v.Offset is not null);

            // Unrounded: the entries' unexplained parts are the whole unexplained amount (the explanation's residual is 0).
            double entries = result.Record.Entries.Sum(e => e.UnexplainedPart ?? 0);
            Assert.True(Math.Abs(result.Record.UnexplainedPart!.Value - entries) < 1e-9, where);
        }
    }

    [Fact]
    public void Hiding_amounts_hides_a_shown_offset_and_says_so()
    {
        var result = Projector.Run(WithOffset(Ln3), AudiencePolicies.DataScientist with { ShowValues = false });
        Assert.Null(result.View.Offset);
        Assert.Null(result.View.OffsetSource);
        Assert.Contains("offset", Assert.Single(result.Record.Entries, e => e.Kind == OmissionKind.ValuesHidden).Fields);
    }

    [Fact]
    public void A_hidden_offset_is_part_of_the_unexplained_amount_not_of_the_base_value()
    {
        var policy = AudiencePolicies.DataScientist with { ShowOffset = false };
        var result = Projector.Run(WithOffset(-0.5), policy);
        Assert.Equal(-0.85, result.View.BaseValue!.Value, 12);
        Assert.Equal(-0.5, result.Record.UnexplainedPart!.Value, 12);
        Assert.Equal(-0.5, Assert.Single(result.Record.Entries).UnexplainedPart!.Value, 12);
        string text = Service.Render(result.View, "text");
        Assert.Contains("offset-not-shown (rule: showOffset = false)", text, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"share of |phi| + |offset| {0.5 / (TestData.NoHiddenOnTop.Sum(Math.Abs) + 0.5) * 100:0.00}%"), text, StringComparison.Ordinal);
    }
}
