using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Views.Omissions;
using Explainability.Views.Policies;
using Explainability.Views.Projection;

namespace Explainability.Views.Tests;

public class ProjectionTests
{
    private static double Logit(double p) => Math.Log(p / (1 - p));

    [Fact]
    public void DataScientist_view_numbers_equal_the_explanation_and_nothing_is_omitted()
    {
        double[] se = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07];
        var ctx = TestData.Credit(TestData.AgeDominates, baseMargin: -0.85, residual: 2.5e-7, standardErrors: se);
        var view = Projector.Run(ctx, AudiencePolicies.DataScientist).View;

        Assert.Equal("margin", view.Scale);
        Assert.Equal("log-odds", view.Unit);
        Assert.Equal(-0.85, view.BaseValue);
        Assert.Equal(ctx.Explanation.Output(0, 0), view.ModelOutput);
        Assert.Equal(ctx.Explanation.AdditivityResiduals[0], view.AdditivityResidual);
        Assert.Equal("tree_path_dependent", view.Method);
        Assert.Equal("counted from 1000 reference rows", view.Parameters!["covers"]);
        Assert.Equal(TestData.Columns.Length, view.Items.Count);
        for (int f = 0; f < TestData.Columns.Length; f++)
        {
            var item = Assert.Single(view.Items, i => i.Key == TestData.Columns[f]);
            Assert.Equal(ctx.Explanation.Phi(0, f, 0), item.Value);
            Assert.Equal(se[f], item.StandardError);
        }

        Assert.True(view.Omissions.IsEmpty);
        Assert.Equal(0, view.Omissions.ShareOfAbsPhiNotShown);
        Assert.Equal(2.5e-7, view.Omissions.UnexplainedPart!.Value, 12);
    }

    [Fact]
    public void DataScientist_items_are_ordered_by_absolute_value()
    {
        var view = Projector.Run(TestData.Credit(TestData.AgeDominates), AudiencePolicies.DataScientist).View;
        var abs = view.Items.Select(i => Math.Abs(i.Value!.Value)).ToList();
        Assert.Equal(abs.OrderByDescending(a => a), abs);
    }

    [Fact]
    public void BusinessManager_points_sum_to_probability_difference_when_all_groups_shown()
    {
        var ctx = TestData.Credit(TestData.AgeDominates, baseMargin: -0.85);
        var policy = AudiencePolicies.BusinessManager with { TopK = 100, Decimals = null };
        var view = Projector.Run(ctx, policy).View;

        double expected = 100 * (Link.Logistic(ctx.Explanation.Output(0, 0)) - Link.Logistic(-0.85));
        Assert.Equal(4, view.Items.Count); // Loan, Finances, Personal, and the single-feature group Bank data
        Assert.Equal(expected, view.Items.Sum(i => i.Value!.Value), 10);
        Assert.Equal(expected, view.ModelOutput!.Value - view.BaseValue!.Value, 10);
        Assert.Equal("percentage points", view.Unit);
        Assert.Contains("log-odds", view.ScaleMethod, StringComparison.Ordinal);
    }

    [Fact]
    public void BusinessManager_rounded_points_sum_within_the_measured_rounding_error()
    {
        var ctx = TestData.Credit(TestData.AgeDominates);
        var view = Projector.Run(ctx, AudiencePolicies.BusinessManager with { TopK = 100 }).View;
        var rounded = Assert.Single(view.Omissions.Entries, e => e.Kind == OmissionKind.Rounded);
        double expected = 100 * (Link.Logistic(ctx.Explanation.Output(0, 0)) - Link.Logistic(-0.85));
        Assert.InRange(rounded.MaxRoundingError!.Value, 0, 0.05 + 1e-12);
        Assert.Equal(expected, view.Items.Sum(i => i.Value!.Value), 0.05 * view.Items.Count);
    }

    [Fact]
    public void BusinessManager_groups_sum_member_features_and_measure_cancellation()
    {
        var ctx = TestData.Credit(TestData.AgeDominates);
        var result = Projector.Run(ctx, AudiencePolicies.BusinessManager with { Decimals = null });
        var finances = Assert.Single(result.View.Items, i => i.Key == "group:Finances");
        Assert.Equal(["checking_status", "savings"], finances.Features);

        double factor = (Link.Logistic(ctx.Explanation.Output(0, 0)) - Link.Logistic(-0.85)) / ctx.Explanation.TotalPhi();
        Assert.Equal(100 * factor * (0.25 - 0.20), finances.Value!.Value, 10);

        var grouped = Assert.Single(result.Record.Entries, e => e.Kind == OmissionKind.Grouped);
        double total = TestData.AgeDominates.Sum(Math.Abs);
        // Finances: |0.25| + |-0.20| - |0.05| = 0.40; Loan and Personal do not cancel.
        Assert.Equal(0.40 / total, grouped.CancelledShareOfAbsPhi!.Value, 12);
    }

    [Fact]
    public void C30_log_odds_are_shown_to_the_manager_as_probability_points_with_the_method_stated()
    {
        // One feature moves the probability from 33.1% to 52.4%: +19.3 points, whatever its log-odds value.
        double baseMargin = Logit(0.331);
        double phi = Logit(0.524) - baseMargin;
        var card = TestData.CreditCard() with { Features = [TestData.Feature("x", "X")] };
        var table = new FeatureTable(["x"], [FeatureValue.Of(2.0)]);
        var ctx = ExplanationContext.Create(TestData.Logistic(["x"], [phi], baseMargin), 0, 0, card, table, new FeatureTable(["x"], [FeatureValue.Of(0.0)]));

        var view = Projector.Run(ctx, AudiencePolicies.BusinessManager).View;
        Assert.Equal(19.3, Assert.Single(view.Items).Value);
        Assert.Equal("percentage points", view.Unit);

        var scale = Assert.Single(view.Omissions.Entries, e => e.Kind == OmissionKind.ScaleChanged);
        Assert.Equal(100 * 0.193 / phi, scale.ScaleFactor!.Value, 10);
        Assert.Equal(0, scale.MaxMethodDisagreement!.Value, 9); // one feature: proportional equals stand-alone
    }

    [Fact]
    public void Rescale_at_equal_margins_uses_the_link_slope_and_says_so()
    {
        var card = TestData.CreditCard() with { Features = [TestData.Feature("a", "A"), TestData.Feature("b", "B")] };
        var table = new FeatureTable(["a", "b"], [FeatureValue.Of(1), FeatureValue.Of(2)]);
        var ctx = ExplanationContext.Create(TestData.Logistic(["a", "b"], [0.5, -0.5], 0.4), 0, 0, card, table, null);

        var result = Projector.Run(ctx, AudiencePolicies.BusinessManager with { Decimals = null });
        double p = Link.Logistic(0.4);
        double slope = 100 * p * (1 - p);
        Assert.Equal(0.5 * slope, result.View.Items.Single(i => i.Key == "a").Value!.Value, 6);
        Assert.Equal(-0.5 * slope, result.View.Items.Single(i => i.Key == "b").Value!.Value, 6);
        Assert.Contains("slope", result.View.ScaleMethod, StringComparison.Ordinal);
        Assert.True(double.IsFinite(result.View.Items.Sum(i => i.Value!.Value)));
    }

    [Fact]
    public void Probability_space_explanation_is_shown_in_points_without_rescaling()
    {
        var e = TestData.Logistic(TestData.Columns, [0.05, 0.01, 0.04, -0.02, 0.10, 0.0, -0.03], 0.30) with { OutputSpace = OutputSpace.Probability };
        var ctx = ExplanationContext.Create(e, 0, 0, TestData.CreditCard(), TestData.CaseRow(), TestData.Background());

        var manager = Projector.Run(ctx, AudiencePolicies.BusinessManager with { Decimals = null, TopK = 100 }).View;
        Assert.False(manager.RescaledFromMargin);
        Assert.Equal("percentage points", manager.Unit);
        Assert.Equal(30.0, manager.BaseValue!.Value, 10);
        Assert.Equal(100 * (0.45 - 0.30), manager.Items.Sum(i => i.Value!.Value), 10);
        Assert.Equal(100, Assert.Single(manager.Omissions.Entries, x => x.Kind == OmissionKind.ScaleChanged).ScaleFactor);

        var scientist = Projector.Run(ctx, AudiencePolicies.DataScientist).View;
        Assert.Equal("probability (0 to 1)", scientist.Unit);
        Assert.Equal(0.10, scientist.Items[0].Value);
        Assert.True(scientist.Omissions.IsEmpty);
    }

    [Fact]
    public void Softmax_output_is_rescaled_against_the_probability_of_the_explained_class()
    {
        // Two outputs, explaining output 1; phi [features=2, outputs=2].
        double[] phi = [0.2, 0.4, -0.2, 0.5];
        double[] bases = [0.1, -0.1];
        double[] outputs = [0.1 + 0.2 - 0.2, -0.1 + 0.4 + 0.5];
        var e = new Explanation
        {
            FeatureNames = ["a", "b"],
            OutputNames = ["good", "bad"],
            OutputSpace = OutputSpace.Margin,
            Link = LinkFunction.Softmax,
            Method = "exact",
            Parameters = new Dictionary<string, string>(),
            RowCount = 1,
            ShapValues = phi,
            BaseValues = bases,
            ModelOutputs = outputs,
            AdditivityResiduals = Explanation.Residuals(1, 2, 2, phi, bases, outputs),
        };
        var card = TestData.CreditCard() with { Features = [TestData.Feature("a", "A"), TestData.Feature("b", "B")] };
        var table = new FeatureTable(["a", "b"], [FeatureValue.Of(1), FeatureValue.Of(2)]);
        int o = ExplanationContext.PositiveOutput(e, card);
        Assert.Equal(1, o);
        var ctx = ExplanationContext.Create(e, 0, o, card, table, null);

        var view = Projector.Run(ctx, AudiencePolicies.BusinessManager with { Decimals = null }).View;
        var pBase = new double[2];
        var pOut = new double[2];
        Link.Apply(LinkFunction.Softmax, bases, pBase);
        Link.Apply(LinkFunction.Softmax, outputs, pOut);
        Assert.Equal(100 * (pOut[1] - pBase[1]), view.Items.Sum(i => i.Value!.Value), 10);
        Assert.Equal(100 * pOut[1], view.ModelOutput!.Value, 10);
        Assert.Equal("logits (softmax margin)", view.ExplanationUnit);
    }

    [Fact]
    public void Softmax_class_whose_probability_falls_while_its_margin_rises_keeps_the_signs_of_its_attributions()
    {
        // Output 1's margin rises by 0.1 but output 0's by 1.0, so p1 falls: a proportional factor would be negative.
        double[] phi = [1.0, 0.1, 0.0, 0.0];
        double[] bases = [0.0, 0.0];
        double[] outputs = [1.0, 0.1];
        var e = new Explanation
        {
            FeatureNames = ["a", "b"],
            OutputNames = ["good", "bad"],
            OutputSpace = OutputSpace.Margin,
            Link = LinkFunction.Softmax,
            Method = "exact",
            Parameters = new Dictionary<string, string>(),
            RowCount = 1,
            ShapValues = phi,
            BaseValues = bases,
            ModelOutputs = outputs,
            AdditivityResiduals = Explanation.Residuals(1, 2, 2, phi, bases, outputs),
        };
        var card = TestData.CreditCard() with { Features = [TestData.Feature("a", "A"), TestData.Feature("b", "B")] };
        var table = new FeatureTable(["a", "b"], [FeatureValue.Of(1), FeatureValue.Of(2)]);
        var view = Projector.Run(ExplanationContext.Create(e, 0, 1, card, table, null), AudiencePolicies.BusinessManager with { Decimals = null }).View;

        Assert.True(view.Items.Single(i => i.Key == "a").Value > 0);
        Assert.Equal("raises", view.Items.Single(i => i.Key == "a").Direction);
        Assert.Contains("against its own margin", view.ScaleMethod, StringComparison.Ordinal);
        Assert.True(view.Omissions.UnexplainedPart < 0); // p1 fell, the shown value rose: the record says what is left unexplained
    }

    [Fact]
    public void Case_values_can_come_from_a_one_row_input_table()
    {
        var e = TestData.Logistic(TestData.Columns, TestData.AgeDominates, -0.85);
        var twoRows = e with
        {
            RowCount = 2,
            ShapValues = [.. e.ShapValues, .. e.ShapValues],
            BaseValues = [.. e.BaseValues, .. e.BaseValues],
            ModelOutputs = [.. e.ModelOutputs, .. e.ModelOutputs],
            AdditivityResiduals = [.. e.AdditivityResiduals, .. e.AdditivityResiduals],
        };
        var ctx = ExplanationContext.Create(twoRows, 1, 0, TestData.CreditCard(), TestData.CaseRow(), TestData.Background(), inputRow: 0);
        var view = Projector.Run(ctx, AudiencePolicies.FraudAnalyst).View;
        Assert.Equal("48 months", view.Items.Single(i => i.Key == "duration").CaseValue);
        Assert.Throws<ArgumentException>(() => ExplanationContext.Create(twoRows, 1, 0, TestData.CreditCard(), TestData.CaseRow(), null));
    }

    [Fact]
    public void FraudAnalyst_percentiles_equal_a_direct_computation_over_the_background()
    {
        var ctx = TestData.Credit(TestData.AgeDominates);
        var view = Projector.Run(ctx, AudiencePolicies.FraudAnalyst with { Selection = Selection.All }).View;
        var background = TestData.Background();
        foreach (var item in view.Items)
        {
            int c = background.IndexOf(item.Key);
            var column = Enumerable.Range(0, background.RowCount).Select(r => background[r, c]).Where(v => !v.IsMissing).ToList();
            var value = ctx.InputValue(item.Key);
            double expected = value.IsText
                ? 100.0 * column.Count(v => v.Text == value.Text) / column.Count
                : 100.0 * (column.Count(v => v.Number < value.Number) + (0.5 * column.Count(v => v.Number == value.Number))) / column.Count;
            Assert.Equal(expected, item.Percentile!.Value, 12);
        }

        // Hand-worked: checking_status A11 is in 5 of 20 background rows; savings 125.5 is above 2 of 19 non-missing values.
        Assert.Equal(25.0, view.Items.Single(i => i.Key == "checking_status").Percentile);
        Assert.Equal(200.0 / 19, view.Items.Single(i => i.Key == "savings").Percentile!.Value, 12);
        Assert.Equal("same-category", view.Items.Single(i => i.Key == "checking_status").PercentileKind);
        Assert.Equal("overdrawn", view.Items.Single(i => i.Key == "checking_status").CaseValue);
        Assert.Equal("48 months", view.Items.Single(i => i.Key == "duration").CaseValue);
    }

    [Fact]
    public void FraudAnalyst_shows_score_top_raising_signals_and_the_strongest_lowering_one()
    {
        var ctx = TestData.Credit(TestData.AgeDominates);
        var view = Projector.Run(ctx, AudiencePolicies.FraudAnalyst).View;
        Assert.Equal(["age", "duration", "checking_status", "credit_amount", "personal_status"], view.Raising.Select(i => i.Key));
        Assert.Equal("savings", Assert.Single(view.Lowering).Key);
        Assert.Equal(Math.Round(100 * Link.Logistic(ctx.Explanation.Output(0, 0)), 1), view.ModelOutput);
        Assert.Null(view.BaseValue);
        Assert.Equal("%", view.ScoreUnit);
        var notTop = Assert.Single(view.Omissions.Entries, e => e.Kind == OmissionKind.NotInTopK);
        Assert.Equal(["bureau_score"], notTop.Features);
        Assert.Equal(0.15 / TestData.AgeDominates.Sum(Math.Abs), notTop.ShareOfAbsPhi!.Value, 12);
    }

    [Fact]
    public void A_signal_rounded_to_zero_keeps_its_direction_and_stays_listed()
    {
        // credit_amount's 0.001 log-odds is about 0.02 points: rounds to 0.0 but still raises the risk.
        double[] phi = [0.30, 0.001, 0.25, -0.20, 0.0, 0.0, 0.0];
        var view = Projector.Run(TestData.Credit(phi), AudiencePolicies.FraudAnalyst).View;
        var credit = Assert.Single(view.Raising, i => i.Key == "credit_amount");
        Assert.Equal(0.0, credit.Value);
        Assert.Equal("raises", credit.Direction);
        Assert.Equal(view.Items.Count, view.Raising.Count + view.Lowering.Count);
    }

    [Fact]
    public void Customer_view_holds_no_protected_or_internal_feature_no_score_and_no_amounts()
    {
        var ctx = TestData.Credit(TestData.AgeDominates);
        var result = Projector.Run(ctx, AudiencePolicies.Customer);
        var view = result.View;
        string[] hidden = ["age", "personal_status", "bureau_score"];

        Assert.DoesNotContain(view.Items.SelectMany(i => i.Features), hidden.Contains);
        Assert.All(view.Omissions.Entries, e => Assert.DoesNotContain(e.Features, hidden.Contains));
        Assert.All(view.Omissions.Entries, e => Assert.DoesNotContain(e.FeatureLabels, l => l is "Age" or "Sex and marital status" or "Internal bureau score"));
        Assert.Equal(3, view.Omissions.Entries.Single(e => e.Kind == OmissionKind.HiddenTagged).WithheldFeatureCount);
        Assert.Null(view.ModelOutput);
        Assert.Null(view.BaseValue);
        Assert.Null(view.Probability);
        Assert.Null(view.DecisionThreshold);
        Assert.Null(view.Method);
        Assert.All(view.Items, i => Assert.Null(i.Value));
        Assert.All(view.Items, i => Assert.Equal("raises", i.Direction));
        Assert.Null(view.Omissions.UnexplainedPart);
        Assert.All(view.Omissions.Entries, e => Assert.Null(e.UnexplainedPart));
        Assert.Equal(0.60 + 0.05 - 0.15, result.Record.Entries.Single(e => e.Kind == OmissionKind.HiddenTagged).UnexplainedPart!.Value, 12);

        // The ledger's record names them.
        Assert.Equal(hidden.Order(), result.Record.Entries.Single(e => e.Kind == OmissionKind.HiddenTagged).Features.Order());
    }

    [Fact]
    public void Customer_reasons_are_the_strongest_adverse_features_among_those_that_may_be_listed()
    {
        var view = Projector.Run(TestData.Credit(TestData.AgeDominates), AudiencePolicies.Customer).View;
        // age (0.60, protected) is skipped; savings and bureau_score push the other way.
        Assert.Equal(["duration", "checking_status", "credit_amount"], view.Items.Select(i => i.Key));
        Assert.True(view.HiddenFactorAmongTop);
    }

    [Fact]
    public void Hidden_factor_flag_is_set_exactly_when_a_hidden_feature_is_among_the_top_reasons()
    {
        Assert.True(Projector.Run(TestData.Credit(TestData.AgeDominates), AudiencePolicies.Customer).View.HiddenFactorAmongTop);
        Assert.False(Projector.Run(TestData.Credit(TestData.NoHiddenOnTop, TestData.AdverseBaseMargin), AudiencePolicies.Customer).View.HiddenFactorAmongTop);

        // In a declined case, a hidden feature that pushes toward approval is not a reason against the applicant.
        double[] hiddenLowers = [0.30, 0.10, 0.25, 0.20, -0.90, 0.0, 0.0];
        Assert.False(Projector.Run(TestData.Credit(hiddenLowers, TestData.AdverseBaseMargin), AudiencePolicies.Customer).View.HiddenFactorAmongTop);
    }

    [Fact]
    public void Customer_view_below_the_threshold_lists_the_strongest_factors_toward_approval_among_those_that_may_be_listed()
    {
        var ctx = TestData.Credit(TestData.ApprovedAgeDominates);
        Assert.True(Link.Logistic(ctx.Explanation.Output(0, 0)) < 0.5, "the case is approved");
        var result = Projector.Run(ctx, AudiencePolicies.Customer);
        var view = result.View;

        Assert.False(view.OutcomeIsPositive);
        Assert.Equal("the application is approved", view.Outcome);
        // age (-0.60, protected) is skipped; credit amount, sex and bureau score push toward "bad" and are not reasons.
        Assert.Equal(["duration", "checking_status", "savings"], view.Items.Select(i => i.Key));
        Assert.All(view.Items, i => Assert.Equal("lowers", i.Direction));
        Assert.Equal(view.Items, view.TowardOutcome);
        Assert.True(view.HiddenFactorAmongTop);
        Assert.Null(view.ModelOutput);
        Assert.Null(view.Probability);
        Assert.Null(view.DecisionThreshold);

        // The record is still measured on every feature: shown are |-0.30| + |-0.25| + |-0.20| of 1.65.
        Assert.Equal(1 - (0.75 / 1.65), result.Record.ShareOfAbsPhiNotShown, 12);
        var notInTop = result.Record.Entries.Single(e => e.Kind == OmissionKind.NotInTopK);
        Assert.Equal(["credit_amount"], notInTop.Features);
        Assert.Equal(0.10 / 1.65, notInTop.ShareOfAbsPhi!.Value, 12);
        Assert.Contains("top-by-decision (negative outcome)", notInTop.Rule, StringComparison.Ordinal);
        var hidden = result.Record.Entries.Single(e => e.Kind == OmissionKind.HiddenTagged);
        Assert.Equal(1, hidden.HiddenAmongTop);
        Assert.Equal(0.80 / 1.65, hidden.ShareOfAbsPhi!.Value, 12);
    }

    [Fact]
    public void Customer_view_at_or_above_the_threshold_lists_the_strongest_factors_toward_the_adverse_outcome()
    {
        var view = Projector.Run(TestData.Credit(TestData.AgeDominates), AudiencePolicies.Customer).View;
        Assert.True(view.OutcomeIsPositive);
        Assert.Equal("the application is declined", view.Outcome);
        Assert.All(view.Items, i => Assert.Equal("raises", i.Direction));

        // Exactly at the threshold the outcome is the positive one.
        var card = TestData.CreditCard();
        var atThreshold = ExplanationContext.Create(
            TestData.Logistic(TestData.Columns, [0.25, 0, 0, 0, 0, 0, -0.25], 0.0), 0, 0, card, TestData.CaseRow(), TestData.Background());
        var tie = Projector.Run(atThreshold, AudiencePolicies.Customer).View;
        Assert.True(tie.OutcomeIsPositive);
        Assert.Equal(["duration"], tie.Items.Select(i => i.Key));
    }

    [Fact]
    public void Hidden_factor_flag_below_the_threshold_counts_only_hidden_factors_toward_approval()
    {
        Assert.True(Projector.Run(TestData.Credit(TestData.ApprovedAgeDominates), AudiencePolicies.Customer).View.HiddenFactorAmongTop);
        var against = Projector.Run(TestData.Credit(TestData.ApprovedAgeAgainst), AudiencePolicies.Customer).View;
        Assert.False(against.OutcomeIsPositive);
        Assert.False(against.HiddenFactorAmongTop);
    }

    [Fact]
    public void Fraud_analyst_signals_do_not_follow_the_decision()
    {
        // The analyst always sees the risk-raising signals first, with the score that shows the decision.
        var view = Projector.Run(TestData.Credit(TestData.ApprovedAgeDominates), AudiencePolicies.FraudAnalyst).View;
        Assert.False(view.OutcomeIsPositive);
        Assert.Equal(["bureau_score", "credit_amount", "personal_status", "age"], view.Items.Select(i => i.Key));
        Assert.NotNull(view.Probability);
    }

    [Fact]
    public void A_model_without_a_probability_has_no_decision_and_reads_toward_the_explained_output()
    {
        var e = TestData.Logistic(TestData.Columns, TestData.ApprovedAgeDominates, -0.85) with { Link = LinkFunction.Identity };
        var view = Projector.Run(ExplanationContext.Create(e, 0, 0, TestData.CreditCard(), TestData.CaseRow(), TestData.Background()), AudiencePolicies.Customer).View;
        Assert.Null(view.OutcomeIsPositive);
        Assert.Equal("the application is declined", view.Outcome);
        Assert.Equal(["credit_amount"], view.Items.Select(i => i.Key));
    }

    [Fact]
    public void Labels_follow_the_requested_language_with_English_fallback()
    {
        var ctx = TestData.Credit(TestData.AgeDominates);
        var view = Projector.Run(ctx, AudiencePolicies.DataScientist with { Language = "nl" }).View;
        Assert.Equal("Loan duration (nl)", view.Items.Single(i => i.Key == "duration").Label);
        var fr = Projector.Run(ctx, AudiencePolicies.DataScientist with { Language = "fr" }).View;
        Assert.Equal("Loan duration", fr.Items.Single(i => i.Key == "duration").Label);
    }

    [Fact]
    public void Context_rejects_an_explanation_whose_features_differ_from_the_card()
    {
        var e = TestData.Logistic(["duration", "other"], [0.1, 0.2], 0);
        var card = TestData.CreditCard() with { Features = [TestData.Feature("duration", "D"), TestData.Feature("amount", "A")] };
        var table = new FeatureTable(["duration", "amount", "other"], [FeatureValue.Of(1), FeatureValue.Of(2), FeatureValue.Of(3)]);
        var ex = Assert.Throws<ArgumentException>(() => ExplanationContext.Create(e, 0, 0, card, table, null));
        Assert.Contains("'other'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'amount'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_audience_is_rejected_naming_the_allowed_values()
    {
        var service = new ViewService(Rendering.TemplateRenderer.FromDefaultLocation());
        var ex = Assert.Throws<ArgumentException>(() => service.Project(TestData.Credit(TestData.AgeDominates), "auditor"));
        foreach (var a in Audiences.All)
        {
            Assert.Contains(a, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Probit_output_is_a_normal_quantile_so_it_is_never_shown_in_percent()
    {
        Assert.False(Units.IsProbability(LinkFunction.Probit));
        Assert.Equal(1, Units.ResponseMultiplier(LinkFunction.Probit));
        Assert.True(Units.IsProbability(LinkFunction.Logistic));
    }
}

internal static class ExplanationTestExtensions
{
    public static double TotalPhi(this Explanation e) => e.ShapValues.Sum();
}
