using Explainability.Views.ModelCards;
using static Explainability.Cli.Training.FeatureCards;

namespace Explainability.Cli.Training;

/// <summary>
/// The <c>credit-risk</c> sample: bad credit risk on UCI Statlog German Credit (OpenML <c>credit-g</c> values).
/// Column meanings follow the UCI documentation; category labels are plain-language readings of the OpenML values.
/// </summary>
internal static class CreditRiskSample
{
    private const string Account = "Account and savings";
    private const string Loan = "Loan";
    private const string History = "Credit history";
    private const string Employment = "Employment and income";
    private const string Personal = "Personal";
    private const string Housing = "Housing and property";
    private static readonly string[] Protected = ["protected"];
    private static readonly string[] Actionable = ["actionable"];

    /// <summary>Reason statements (en, nl) and Dutch units and category labels; protected features get no reason statement
    /// because no customer view may name them.</summary>
    private static readonly Dictionary<string, (string En, string Nl)> Reasons = new(StringComparer.Ordinal)
    {
        ["checking_status"] = ("The balance of your checking account", "Het saldo van uw betaalrekening"),
        ["duration"] = ("The duration of the loan you applied for", "De looptijd van de lening die u aanvroeg"),
        ["credit_history"] = ("How you have repaid credit in the past", "Hoe u eerdere kredieten hebt terugbetaald"),
        ["purpose"] = ("What the loan is for", "Waarvoor de lening bedoeld is"),
        ["credit_amount"] = ("The amount you applied for", "Het bedrag dat u aanvroeg"),
        ["savings_status"] = ("The balance of your savings", "Het saldo van uw spaartegoed"),
        ["employment"] = ("How long you have been in your current job", "Hoe lang u al in uw huidige baan werkt"),
        ["installment_commitment"] = ("The instalment as a share of your disposable income", "De aflossing als deel van uw besteedbaar inkomen"),
        ["other_parties"] = ("Whether someone else shares or guarantees the debt", "Of iemand anders de schuld deelt of borg staat"),
        ["residence_since"] = ("How long you have lived at your current address", "Hoe lang u al op uw huidige adres woont"),
        ["property_magnitude"] = ("The property you own", "Het bezit dat u hebt"),
        ["other_payment_plans"] = ("Instalment plans you have elsewhere", "Afbetalingsregelingen die u elders hebt"),
        ["housing"] = ("Your housing situation", "Uw woonsituatie"),
        ["existing_credits"] = ("The number of credits you already have with us", "Het aantal kredieten dat u al bij ons hebt"),
        ["job"] = ("The kind of work you do", "Het soort werk dat u doet"),
        ["num_dependents"] = ("The number of people you support financially", "Het aantal personen dat u financieel onderhoudt"),
        ["own_telephone"] = ("Whether a telephone is registered in your name", "Of er een telefoon op uw naam staat"),
    };

    private static readonly Dictionary<string, FeatureTranslation> Dutch = new(StringComparer.Ordinal)
    {
        ["checking_status"] = new()
        {
            Categories = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["<0"] = "Onder 0 DM",
                ["0<=X<200"] = "0 tot 200 DM",
                [">=200"] = "200 DM of meer",
                ["no checking"] = "Geen betaalrekening",
            },
        },
        ["duration"] = new() { Unit = "maanden" },
        ["savings_status"] = new()
        {
            Categories = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["no known savings"] = "Geen bekend spaartegoed",
                ["<100"] = "Onder 100 DM",
                ["100<=X<500"] = "100 tot 500 DM",
                ["500<=X<1000"] = "500 tot 1.000 DM",
                [">=1000"] = "1.000 DM of meer",
            },
        },
        ["other_parties"] = new()
        {
            Categories = new Dictionary<string, string>(StringComparer.Ordinal) { ["none"] = "Geen", ["co applicant"] = "Medeaanvrager", ["guarantor"] = "Borg" },
        },
    };

    private static FeatureCard[] Worded(FeatureCard[] features) =>
    [
        .. features.Select(f => f with
        {
            Reason = Reasons.TryGetValue(f.Name, out var r) ? new Dictionary<string, string>(StringComparer.Ordinal) { ["en"] = r.En, ["nl"] = r.Nl } : null,
            Translations = Dutch.TryGetValue(f.Name, out var t) ? new Dictionary<string, FeatureTranslation>(StringComparer.Ordinal) { ["nl"] = t } : null,
        }),
    ];

    public static SampleModelSpec Spec { get; } = new(
        Card: new ModelCard
        {
            Id = "credit-risk",
            Version = "1.0.0",
            Description = "Estimates the probability that a consumer-credit application is a bad credit risk, from the 20 "
                + "attributes of the UCI Statlog German Credit data (1,000 applications, Germany, 1970s-1990s). "
                + "A sample model for demonstrating explanations; it is not fit for real credit decisions.",
            Owner = "Explainability team (sample model)",
            ModelFile = "model.onnx",
            BackgroundFile = "background.csv",
            DataLicence = "CC BY 4.0 (UCI Machine Learning Repository, Hofmann 1994); see LICENSE-DATA.md",
            Features = Worded(
            [
                Categorical("checking_status", "Checking account balance", "Saldo betaalrekening",
                    "Status of the applicant's existing checking account at this bank.", "DM", Account,
                    [("<0", "Below 0 DM"), ("0<=X<200", "0 to 200 DM"), (">=200", "200 DM or more"), ("no checking", "No checking account")],
                    Actionable, "increase") with
                {
                    // A balance can be raised; closing the account ("no checking") is no step on that scale, and suggesting it
                    // would tell a customer to game the model rather than to improve their situation.
                    ActionableOrder = ["<0", "0<=X<200", ">=200"],
                },
                Numeric("duration", "Loan duration", "Looptijd van de lening",
                    "Duration of the requested credit.", "months", Loan, Actionable, "decrease"),
                Categorical("credit_history", "Credit history", "Kredietverleden",
                    "How the applicant has repaid credits so far.", "", History,
                    [
                        ("no credits/all paid", "No credits taken, or all credits paid back duly"),
                        ("all paid", "All credits at this bank paid back duly"),
                        ("existing paid", "Existing credits paid back duly so far"),
                        ("delayed previously", "Delays in paying off in the past"),
                        ("critical/other existing credit", "Critical account, or other credits at other banks"),
                    ]),
                Categorical("purpose", "Loan purpose", "Doel van de lening",
                    "What the credit is for.", "", Loan,
                    [
                        ("new car", "New car"), ("used car", "Used car"), ("furniture/equipment", "Furniture or equipment"),
                        ("radio/tv", "Radio or television"), ("domestic appliance", "Domestic appliance"), ("repairs", "Repairs"),
                        ("education", "Education"), ("retraining", "Retraining"), ("business", "Business"), ("other", "Other"),
                    ]),
                Numeric("credit_amount", "Credit amount", "Kredietbedrag",
                    "Amount of the requested credit.", "DM", Loan, Actionable, "decrease"),
                Categorical("savings_status", "Savings", "Spaartegoed",
                    "Balance of the applicant's savings accounts and bonds.", "DM", Account,
                    [
                        ("<100", "Below 100 DM"), ("100<=X<500", "100 to 500 DM"), ("500<=X<1000", "500 to 1,000 DM"),
                        (">=1000", "1,000 DM or more"), ("no known savings", "No known savings"),
                    ],
                    Actionable, "increase") with
                {
                    // "No known savings" is not a balance: it is no step up or down, so no suggestion leads to or from it.
                    ActionableOrder = ["<100", "100<=X<500", "500<=X<1000", ">=1000"],
                },
                Categorical("employment", "Time in current employment", "Duur huidige dienstverband",
                    "How long the applicant has been in their present employment.", "years", Employment,
                    [("unemployed", "Unemployed"), ("<1", "Less than 1 year"), ("1<=X<4", "1 to 4 years"), ("4<=X<7", "4 to 7 years"), (">=7", "7 years or more")]),
                Numeric("installment_commitment", "Instalment rate", "Aflossing als deel van het inkomen",
                    "Instalment rate as a share of disposable income, coded 1 to 4 (Statlog reading: higher is a larger share; "
                    + "Groemping 2019 reports the code table may be reversed).", "level 1-4", Loan),
                Categorical("personal_status", "Personal status and sex", "Burgerlijke staat en geslacht",
                    "Marital status combined with sex, as recorded in the source data.", "", Personal,
                    [
                        ("male single", "Male, single"), ("female div/dep/mar", "Female, divorced, separated or married"),
                        ("male mar/wid", "Male, married or widowed"), ("male div/sep", "Male, divorced or separated"),
                    ],
                    Protected),
                Categorical("other_parties", "Other debtors or guarantors", "Andere schuldenaars of borgen",
                    "Whether someone else shares the debt or guarantees it.", "", Loan,
                    [("none", "None"), ("co applicant", "Co-applicant"), ("guarantor", "Guarantor")],
                    Actionable, "any"),
                Numeric("residence_since", "Time at current address", "Duur op huidig adres",
                    "How long the applicant has lived at the present address, coded 1 to 4.", "level 1-4", Housing),
                Categorical("property_magnitude", "Most valuable property", "Meest waardevolle bezit",
                    "The applicant's most valuable property.", "", Housing,
                    [
                        ("real estate", "Real estate"), ("life insurance", "Building-society savings or life insurance"),
                        ("car", "Car or other property"), ("no known property", "No known property"),
                    ]),
                Numeric("age", "Age", "Leeftijd", "Age of the applicant.", "years", Personal, Protected),
                Categorical("other_payment_plans", "Other instalment plans", "Andere afbetalingsregelingen",
                    "Instalment plans the applicant has elsewhere.", "", History,
                    [("none", "None"), ("bank", "At a bank"), ("stores", "At stores")]),
                Categorical("housing", "Housing", "Woonsituatie",
                    "Whether the applicant rents, owns or lives for free.", "", Housing,
                    [("rent", "Rents"), ("own", "Owns the home"), ("for free", "Lives for free")]),
                Numeric("existing_credits", "Existing credits at this bank", "Lopende kredieten bij deze bank",
                    "Number of existing credits at this bank.", "credits", History),
                Categorical("job", "Job", "Beroep",
                    "Kind of job.", "", Employment,
                    [
                        ("unemp/unskilled non res", "Unemployed or unskilled, non-resident"), ("unskilled resident", "Unskilled, resident"),
                        ("skilled", "Skilled employee or official"), ("high qualif/self emp/mgmt", "Highly qualified, self-employed or management"),
                    ]),
                Numeric("num_dependents", "Number of dependants", "Aantal personen ten laste",
                    "Number of people the applicant is liable to provide maintenance for.", "people", Personal),
                Categorical("own_telephone", "Telephone registered", "Telefoon geregistreerd",
                    "Whether a telephone is registered in the applicant's name.", "", Personal,
                    [("none", "No"), ("yes", "Yes")]),
                Categorical("foreign_worker", "Foreign worker", "Buitenlandse werknemer",
                    "Whether the applicant is a foreign worker.", "", Personal,
                    [("yes", "Yes"), ("no", "No")], Protected),
            ]),
            Output = new OutputCard
            {
                Description = "Probability that the application is a bad credit risk",
                OnnxOutput = "Probability.output",
                Classes = ["good", "bad"],
                PositiveClass = "bad",
                DecisionThreshold = 0.5,
                PositiveOutcome = "the application is assessed as a bad credit risk",
                NegativeOutcome = "the application is assessed as an acceptable credit risk",
                Bands = [new() { Name = "low", LowerBound = 0 }, new() { Name = "medium", LowerBound = 0.25 }, new() { Name = "high", LowerBound = 0.5 }],
            },
            Reference = new ReferenceCard
            {
                File = SampleModelSpec.ReferenceFile,
                LabelColumn = "class",
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["no"] = "bad", ["yes"] = "good" },
                Description = SampleModelSpec.ReferenceDescription,
            },
        },
        LabelColumn: "class",
        PositiveLabelValue: "no",
        NegativeLabelValue: "yes",
        Summary: "LightGBM binary classifier (ML.NET) that estimates the probability that a consumer-credit application "
            + "is a **bad credit risk** (`class == \"no\"` in the data), from the 20 raw attributes of the UCI Statlog "
            + "German Credit data. Categorical attributes are one-hot encoded inside the model, so the ONNX file takes "
            + "the raw values (one input per attribute). A sample for demonstrating explanations, not for real credit decisions.",
        DataLicenceMarkdown: """
            # Data licence and provenance: `training-data.csv` and `background.csv`

            | item | value |
            | --- | --- |
            | dataset | UCI Statlog (German Credit Data), Prof. Hans Hofmann (1994), https://archive.ics.uci.edu/dataset/144 ; readable value labels as in OpenML dataset 31 `credit-g` |
            | licence | **Creative Commons Attribution 4.0 International (CC BY 4.0)**, as listed by the UCI Machine Learning Repository. Cite: Hofmann, H. (1994). Statlog (German Credit Data). UCI Machine Learning Repository. https://doi.org/10.24432/C5NC77 |
            | file taken from | GitHub `Sungwon-Han/FeatLLM` (ICML 2024 paper code), path `data/credit-g.csv`, commit `04fca43f89556e2856903512f6b2b45c5966b94f` (that repository has no LICENSE file of its own) |
            | `training-data.csv` | that file, copied unchanged: 152,016 bytes, sha256 `52f69ea5e27cf2a2d9343df531a0c46dda8e67c11654b36cac485e56d665c47f`; 1,000 rows, 20 features and `class` |
            | `background.csv` | 200 of those rows, sampled with a fixed seed by `train-samples`, lines copied unchanged |
            | `reference.csv` | 200 other rows of the training data (not in `background.csv`), sampled with a fixed seed by `train-samples`, lines copied unchanged |
            | changes | none to the values. Note the source relabelled OpenML's `good`/`bad` to `yes`/`no`: `class = no` is a **bad** credit risk (300 rows), `yes` a good one (700 rows) |

            Caveats: `personal_status` mixes sex and marital status; `age`, `personal_status` and `foreign_worker` are protected
            attributes and are tagged `protected` in the model card. Groemping (2019) found errors in the UCI code table and
            published a corrected "South German Credit" dataset (UCI id 573); this file follows the classic Statlog/OpenML reading.
            The published UCI cost matrix counts a bad applicant predicted as good as 5 times worse than the opposite error.
            """);
}
