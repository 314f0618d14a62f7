using Explainability.Core.Data;
using Explainability.Core.Explanations;
using Explainability.Views.ModelCards;

namespace Explainability.Views.Tests;

/// <summary>Small hand-made model cards, explanations and tables (the real models are built elsewhere).</summary>
internal static class TestData
{
    public static FeatureCard Feature(
        string name, string display, string type = "numeric", string group = "", string unit = "",
        string[]? tags = null, IReadOnlyDictionary<string, string>? categories = null, string? direction = null, string description = "") => new()
        {
            Name = name,
            DisplayName = new Dictionary<string, string> { ["en"] = display, ["nl"] = display + " (nl)" },
            Type = type,
            Group = group,
            Unit = unit,
            Tags = tags ?? [],
            Categories = categories,
            ActionableDirection = direction,
            Description = description,
        };

    /// <summary>A credit card with two protected and one internal feature.</summary>
    public static ModelCard CreditCard() => new()
    {
        Id = "credit-test",
        Version = "0.1.0",
        Description = "Test credit risk model",
        Features =
        [
            Feature("duration", "Loan duration", group: "Loan", unit: "months", tags: ["actionable"], direction: "decrease", description: "How long the loan runs"),
            Feature("credit_amount", "Credit amount", group: "Loan", unit: "DM", tags: ["actionable"], direction: "decrease"),
            Feature("checking_status", "Checking account", type: "categorical", group: "Finances",
                categories: new Dictionary<string, string> { ["A11"] = "overdrawn", ["A12"] = "0 to 200 DM", ["A14"] = "no account" }),
            Feature("savings", "Savings", group: "Finances", unit: "DM"),
            Feature("age", "Age", group: "Personal", unit: "years", tags: ["protected"]),
            Feature("personal_status", "Sex and marital status", type: "categorical", group: "Personal", tags: ["protected"],
                categories: new Dictionary<string, string> { ["A91"] = "male divorced", ["A92"] = "female married" }),
            Feature("bureau_score", "Internal bureau score", group: "Bank data", tags: ["internal"]),
        ],
        Output = new OutputCard
        {
            Description = "probability of bad credit risk",
            Classes = ["bad"],
            PositiveClass = "bad",
            DecisionThreshold = 0.5,
            PositiveOutcome = "the application is declined",
            NegativeOutcome = "the application is approved",
        },
    };

    public static readonly string[] Columns = ["duration", "credit_amount", "checking_status", "savings", "age", "personal_status", "bureau_score"];

    /// <summary>The case: one row of raw values matching <see cref="CreditCard"/>.</summary>
    public static FeatureTable CaseRow(double age = 67) => new(Columns,
    [
        FeatureValue.Of(48), FeatureValue.Of(12579), FeatureValue.Of("A11"), FeatureValue.Of(125.5),
        FeatureValue.Of(age), FeatureValue.Of("A91"), FeatureValue.Of(731),
    ]);

    /// <summary>A background of 20 rows with known distributions.</summary>
    public static FeatureTable Background()
    {
        var cells = new List<FeatureValue>();
        string[] checking = ["A11", "A12", "A14", "A14"];
        for (int i = 0; i < 20; i++)
        {
            cells.Add(FeatureValue.Of(6 + (3 * i)));              // duration 6..63
            cells.Add(FeatureValue.Of(500 + (1000 * i)));         // credit 500..19500
            cells.Add(FeatureValue.Of(checking[i % 4]));          // A11 in 5 of 20
            cells.Add(i == 3 ? FeatureValue.Missing : FeatureValue.Of(100 * i));
            cells.Add(FeatureValue.Of(20 + (2 * i)));
            cells.Add(FeatureValue.Of(i % 2 == 0 ? "A91" : "A92"));
            cells.Add(FeatureValue.Of(500 + (20 * i)));
        }

        return new FeatureTable(Columns, [.. cells]);
    }

    /// <summary>A one-row, one-output logistic explanation with the given phi and base margin.</summary>
    public static Explanation Logistic(IReadOnlyList<string> names, double[] phi, double baseMargin, double residual = 0, double[]? standardErrors = null)
    {
        double output = baseMargin + phi.Sum() + residual;
        return new Explanation
        {
            FeatureNames = names,
            OutputNames = ["bad"],
            OutputSpace = OutputSpace.Margin,
            Link = LinkFunction.Logistic,
            Method = "tree_path_dependent",
            Parameters = new Dictionary<string, string> { ["covers"] = "counted from 1000 reference rows", ["zero_cover"] = "skip" },
            RowCount = 1,
            ShapValues = [.. phi],
            BaseValues = [baseMargin],
            ModelOutputs = [output],
            AdditivityResiduals = Explanation.Residuals(1, names.Count, 1, [.. phi], [baseMargin], [output]),
            StandardErrors = standardErrors,
        };
    }

    /// <summary>The credit case with the given phi per feature (in <see cref="Columns"/> order).</summary>
    public static ExplanationContext Credit(double[] phi, double baseMargin = -0.85, double residual = 0, double[]? standardErrors = null) =>
        ExplanationContext.Create(Logistic(Columns, phi, baseMargin, residual, standardErrors), 0, 0, CreditCard(), CaseRow(), Background());

    /// <summary>Phi where the protected feature age is the strongest reason toward "bad".</summary>
    public static readonly double[] AgeDominates = [0.30, 0.10, 0.25, -0.20, 0.60, 0.05, -0.15];

    /// <summary>Phi where no hidden feature is among the top four reasons toward "bad"; with the default base margin the case
    /// scores below the threshold (approved), so tests of the adverse case use <see cref="AdverseBaseMargin"/>.</summary>
    public static readonly double[] NoHiddenOnTop = [0.30, 0.10, 0.25, 0.20, 0.01, -0.05, -0.40];

    /// <summary>Phi of an approved case (margin -1.90 with the default base, p = 0.13): the protected feature age is the
    /// strongest factor toward approval, then duration, checking account and savings; credit amount, sex and bureau score
    /// push toward "bad".</summary>
    public static readonly double[] ApprovedAgeDominates = [-0.30, 0.10, -0.25, -0.20, -0.60, 0.05, 0.15];

    /// <summary>Phi of an approved case (margin -0.80 with the default base, p = 0.31) in which the protected feature age is
    /// the strongest push toward "bad": a hidden factor among the top items, but not in the direction of the outcome.</summary>
    public static readonly double[] ApprovedAgeAgainst = [-0.30, 0.10, -0.25, -0.20, 0.50, 0.05, 0.15];

    /// <summary>A base margin that puts the cases above (phi summing to more than -1) at or above the 0.5 threshold: declined.</summary>
    public const double AdverseBaseMargin = 1.0;
}
