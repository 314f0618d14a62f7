using System.Text.Json;
using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Views.ModelCards;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;
using Explainability.Views.Projection;

namespace Explainability.Views.Tests;

/// <summary>Properties of projections over random explanations, model cards and policies.</summary>
public class OmissionPropertyTests
{
    private const int Cases = 400;

    private static readonly string[] Groups = ["", "", "G1", "G2", "G3"];

    private static readonly string[][] TagChoices = [[], [], [], ["protected"], ["internal"], ["actionable"], ["protected", "internal"]];

    private sealed record Case(ExplanationContext Context, AudiencePolicy Policy, double[] Phi, string[] Names);

    private static Case RandomCase(Random rng)
    {
        int n = rng.Next(1, 11);
        var names = Enumerable.Range(0, n).Select(i => $"feat_{i}_x{rng.Next(1000, 9999)}").ToArray();
        var phi = names.Select(_ => rng.NextDouble() < 0.15 ? 0.0 : Math.Round((rng.NextDouble() - 0.5) * 4, rng.Next(1, 6))).ToArray();
        double baseMargin = (rng.NextDouble() - 0.5) * 6;
        double residual = rng.NextDouble() < 0.3 ? (rng.NextDouble() - 0.5) * 1e-5 : 0;
        var features = names.Select(name =>
        {
            var tags = TagChoices[rng.Next(TagChoices.Length)];
            return TestData.Feature(name, "Label " + name, group: Groups[rng.Next(Groups.Length)], tags: tags,
                direction: tags.Contains("actionable") ? "any" : null);
        }).ToList();
        var card = TestData.CreditCard() with
        {
            Features = features,
            Output = TestData.CreditCard().Output with { DecisionThreshold = Math.Round(0.05 + (0.9 * rng.NextDouble()), 2) },
        };
        var inputs = new FeatureTable(names, [.. names.Select(_ => FeatureValue.Of(rng.Next(100)))]);
        var background = new FeatureTable(names, [.. Enumerable.Range(0, 10 * n).Select(_ => FeatureValue.Of(rng.Next(100)))]);
        var context = ExplanationContext.Create(TestData.Logistic(names, phi, baseMargin, residual), 0, 0, card, inputs, background);

        string[][] hiddenChoices = [[], ["protected"], ["internal"], ["protected", "internal"]];
        string audience = Audiences.All[rng.Next(Audiences.All.Count)];
        var hiddenTags = hiddenChoices[rng.Next(hiddenChoices.Length)];
        var policy = new AudiencePolicy
        {
            Audience = audience,
            Selection = (Selection)rng.Next(4),
            TopK = rng.Next(0, 6),
            TopLowering = rng.Next(0, 3),
            // The customer always hides protected and internal features (AudiencePolicy.Validated refuses otherwise).
            HiddenTags = audience == Audiences.Customer ? ["protected", "internal"] : hiddenTags,
            GroupByFeatureGroup = rng.Next(2) == 0,
            Scale = (OutputScale)rng.Next(2),
            Decimals = rng.Next(3) == 0 ? null : rng.Next(0, 4),
            // The customer never sees numbers (AudiencePolicy.Validated refuses otherwise).
            ShowScore = audience != Audiences.Customer && rng.Next(2) == 0,
            ShowBaseValue = audience != Audiences.Customer && rng.Next(2) == 0,
            ShowValues = audience != Audiences.Customer && rng.Next(3) != 0,
            ShowTechnicalDetails = audience != Audiences.Customer && rng.Next(2) == 0,
            ShowUncertainty = false,
            ShowOffset = false,
            Context = (ContextBlocks)rng.Next(16),
        };
        return new Case(context, policy, phi, names);
    }

    private static IEnumerable<(Case Case, ProjectionResult Result)> Run(int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < Cases; i++)
        {
            var c = RandomCase(rng);
            yield return (c, Projector.Run(c.Context, c.Policy));
        }
    }

    [Fact]
    public void Share_of_abs_phi_not_shown_equals_one_minus_shown_over_total_recomputed_from_the_view()
    {
        foreach (var (c, result) in Run(1))
        {
            double total = c.Phi.Sum(Math.Abs);
            // Each shown item counts with the value the reader sees: a group its members' net sum, so cancellation inside it is not shown.
            double shownAbs = result.View.Items.Sum(i => Math.Abs(i.Features.Sum(f => c.Phi[Array.IndexOf(c.Names, f)])));
            double expected = total > 0 ? 1 - (shownAbs / total) : 0;
            Assert.Equal(expected, result.View.Omissions.ShareOfAbsPhiNotShown, 12);
            Assert.Equal(result.Record.ShareOfAbsPhiNotShown, result.View.Omissions.ShareOfAbsPhiNotShown);
            if (result.View.ValuesShown && result.View.Scale == "margin" && c.Policy.Decimals is null)
            {
                // Where the view prints exact log-odds, the printed values give the same share.
                Assert.Equal(expected, total > 0 ? 1 - (result.View.Items.Sum(i => Math.Abs(i.Value!.Value)) / total) : 0, 12);
            }
        }
    }

    [Fact]
    public void Entry_shares_of_dropped_features_add_up_to_the_share_not_shown()
    {
        foreach (var (_, result) in Run(2))
        {
            double entries = result.Record.Entries
                .Where(e => e.Kind is OmissionKind.HiddenTagged or OmissionKind.NotInTopK)
                .Sum(e => e.ShareOfAbsPhi!.Value);
            // What is not dropped but cancels inside a shown group is not shown either; at most the grouped entry's share.
            double cancelled = result.Record.Entries.Where(e => e.Kind == OmissionKind.Grouped).Sum(e => e.CancelledShareOfAbsPhi!.Value);
            Assert.InRange(result.Record.ShareOfAbsPhiNotShown - entries, -1e-12, cancelled + 1e-12);
            if (cancelled == 0)
            {
                Assert.Equal(result.Record.ShareOfAbsPhiNotShown, entries, 12);
            }
        }
    }

    [Fact]
    public void Unexplained_part_recomputed_from_shown_numbers_matches_the_record()
    {
        int checkedCases = 0;
        foreach (var (_, result) in Run(3))
        {
            var v = result.View;
            if (v.ModelOutput is double output && v.BaseValue is double baseValue && v.ValuesShown)
            {
                Assert.Equal(output - baseValue - v.Items.Sum(i => i.Value!.Value), v.Omissions.UnexplainedPart!.Value, 9);
                checkedCases++;
            }
        }

        Assert.True(checkedCases > 20, $"only {checkedCases} cases showed all numbers");
    }

    [Fact]
    public void Rounding_error_is_measured_and_within_half_a_unit_of_the_last_decimal()
    {
        foreach (var (c, result) in Run(4))
        {
            var rounded = result.Record.Entries.SingleOrDefault(e => e.Kind == OmissionKind.Rounded);
            if (rounded is null)
            {
                continue;
            }

            double half = 0.5 * Math.Pow(10, -c.Policy.Decimals!.Value);
            Assert.InRange(rounded.MaxRoundingError!.Value, 0, half + 1e-9);
            foreach (var item in result.View.Items.Where(i => i.Value is not null))
            {
                Assert.Equal(item.Value!.Value, Math.Round(item.Value.Value, c.Policy.Decimals.Value), 12);
            }
        }
    }

    [Fact]
    public void Unrounded_probability_values_of_all_features_sum_to_the_probability_difference()
    {
        foreach (var (c, _) in Run(5))
        {
            // Every feature shown: an audience that may see them all (the customer always hides protected and internal ones).
            var policy = c.Policy with { Audience = Audiences.DataScientist, Selection = Selection.All, HiddenTags = [], Scale = OutputScale.Probability, Decimals = null, ShowValues = true, ShowScore = true, ShowBaseValue = true };
            var view = Projector.Run(c.Context, policy).View;
            var e = c.Context.Explanation;
            double expected = 100 * (Link.Logistic(e.Output(0, 0)) - Link.Logistic(e.Base(0, 0)));
            double residual = e.AdditivityResiduals[0];
            double dm = e.Output(0, 0) - e.Base(0, 0);
            double scaledResidual = Math.Abs(dm) > RescaleToProbability.EqualMarginTolerance ? expected * residual / dm : 0;
            Assert.Equal(expected - scaledResidual, view.Items.Sum(i => i.Value!.Value), 8);
        }
    }

    [Fact]
    public void Names_hidden_by_tag_never_reach_the_audience_view()
    {
        foreach (var (c, result) in Run(6))
        {
            var hidden = c.Context.Card.Features
                .Where(f => f.Tags.Any(t => c.Policy.HiddenTags.Contains(t)))
                .ToList();
            string json = JsonSerializer.Serialize(result.View);
            foreach (var f in hidden)
            {
                Assert.DoesNotContain(f.Name, json, StringComparison.Ordinal);
                Assert.DoesNotContain(f.DisplayName["en"], json, StringComparison.Ordinal);
            }

            int withheld = result.View.Omissions.Entries.Sum(e => e.WithheldFeatureCount);
            int named = result.Record.Entries.Sum(e => e.Features.Count) - result.View.Omissions.Entries.Sum(e => e.Features.Count);
            Assert.Equal(named, withheld);
        }
    }

    [Fact]
    public void Hidden_factor_flag_matches_an_independent_ranking_of_all_features()
    {
        foreach (var (c, result) in Run(7))
        {
            var policy = c.Policy;
            var ranked = c.Names.Select((name, f) => (name, phi: c.Phi[f], card: c.Context.Card.Features[f])).ToList();
            // The decided direction, from the probability and the card's threshold: toward "bad" at or above it.
            var e = c.Context.Explanation;
            int toward = policy.Selection == Selection.TopByDecision && Link.Logistic(e.Output(0, 0)) < c.Context.Card.Output.DecisionThreshold ? -1 : 1;
            var top = policy.Selection switch
            {
                Selection.All => ranked,
                Selection.TopByMagnitude => [.. ranked.OrderByDescending(x => Math.Abs(x.phi)).ThenBy(x => x.name, StringComparer.Ordinal).Take(policy.TopK)],
                _ => ranked.Where(x => x.phi * toward > 0).OrderByDescending(x => x.phi * toward).ThenBy(x => x.name, StringComparer.Ordinal).Take(policy.TopK)
                    .Concat(ranked.Where(x => x.phi * toward < 0).OrderBy(x => x.phi * toward).ThenBy(x => x.name, StringComparer.Ordinal).Take(policy.TopLowering)).ToList(),
            };
            bool expected = top.Any(x => x.phi != 0 && x.card.Tags.Any(t => policy.HiddenTags.Contains(t)));
            Assert.Equal(expected, result.View.HiddenFactorAmongTop);
        }
    }

    [Fact]
    public void Customer_view_lists_the_strongest_listable_factors_toward_the_decided_outcome_and_flags_exactly_the_hidden_ones_among_them()
    {
        var rng = new Random(10);
        int favourable = 0, adverse = 0, flagged = 0;
        for (int i = 0; i < Cases; i++)
        {
            var c = RandomCase(rng);
            var e = c.Context.Explanation;
            double p = 1 / (1 + Math.Exp(-(e.Base(0, 0) + c.Phi.Sum() + e.AdditivityResiduals[0])));
            bool positive = p >= c.Context.Card.Output.DecisionThreshold;
            int toward = positive ? 1 : -1;
            var ranked = c.Names.Select((name, f) => (name, phi: c.Phi[f], hidden: c.Context.Card.Features[f].Tags.Any(t => t is "protected" or "internal")));
            var inDirection = ranked.Where(x => x.phi * toward > 0).OrderByDescending(x => x.phi * toward).ThenBy(x => x.name, StringComparer.Ordinal).ToList();
            var top = inDirection.Take(4).ToList();
            // Listed: the four strongest of those that may be listed; flagged: a hidden one among the four strongest of all.
            var listed = inDirection.Where(x => !x.hidden).Take(4).ToList();

            var result = Projector.Run(c.Context, AudiencePolicies.Customer);
            var view = result.View;

            Assert.Equal(positive, view.OutcomeIsPositive);
            Assert.Equal(positive ? c.Context.Card.Output.PositiveOutcome : c.Context.Card.Output.NegativeOutcome, view.Outcome);
            Assert.Equal(listed.Select(x => x.name), view.Items.Select(v => v.Key));
            Assert.All(view.Items, v => Assert.Equal(positive ? "raises" : "lowers", v.Direction));
            Assert.Equal(top.Any(x => x.hidden), view.HiddenFactorAmongTop);

            // The record stays measured on all features.
            double total = c.Phi.Sum(Math.Abs);
            double shown = listed.Sum(x => Math.Abs(x.phi));
            Assert.Equal(total > 0 ? 1 - (shown / total) : 0, view.Omissions.ShareOfAbsPhiNotShown, 12);
            Assert.Null(view.Probability);
            Assert.Null(view.ModelOutput);

            adverse += positive ? 1 : 0;
            favourable += positive ? 0 : 1;
            flagged += view.HiddenFactorAmongTop ? 1 : 0;
        }

        Assert.True(favourable > 50 && adverse > 50 && flagged > 20, $"{favourable} favourable, {adverse} adverse, {flagged} flagged");
    }

    [Fact]
    public void Projection_is_deterministic()
    {
        var a = Run(8).Select(r => JsonSerializer.Serialize(r.Result.View)).ToList();
        var b = Run(8).Select(r => JsonSerializer.Serialize(r.Result.View)).ToList();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Omission_record_is_empty_only_when_everything_is_shown_unchanged()
    {
        foreach (var (c, result) in Run(9))
        {
            if (result.Record.IsEmpty)
            {
                Assert.Equal(0, result.Record.ShareOfAbsPhiNotShown);
                Assert.Equal(c.Names.Length, result.View.Items.Count);
                Assert.NotNull(result.View.ModelOutput);
                Assert.NotNull(result.View.BaseValue);
                Assert.True(result.View.ValuesShown);
                Assert.Equal("margin", result.View.Scale);
            }
        }
    }

}
