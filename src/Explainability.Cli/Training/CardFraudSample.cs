using System.Globalization;
using System.Text.Json;
using Explainability.Views.ModelCards;
using static Explainability.Cli.Training.FeatureCards;

namespace Explainability.Cli.Training;

/// <summary>
/// The <c>card-fraud</c> sample: fraud on a balanced under-sample of the ULB/Worldline 2013 credit-card transactions.
/// <c>V1..V28</c> are anonymous PCA components; <c>Time</c> and <c>Amount</c> were standardised by the data's publisher.
/// </summary>
internal static class CardFraudSample
{
    private const string Transaction = "Transaction";
    private const string Behaviour = "Behaviour components";
    private const string Standardised = "standard deviations from the mean";

    // V1..V28 have no published meaning, so no component can be a reason a customer understands. They share one reason
    // statement that says what they are without pretending more, and the customer's view sums them into their group
    // (the card's customer policy below), so a customer reads it once, not as four "components".
    private static readonly Dictionary<string, string> BehaviourReason = new(StringComparer.Ordinal)
    {
        ["en"] = "How this transaction compares with patterns of card use in our data (the model sees these patterns only as anonymised components that have no plain description)",
        ["nl"] = "Hoe deze transactie zich verhoudt tot patronen van kaartgebruik in onze gegevens (het model kent die patronen alleen als geanonimiseerde componenten zonder gewone beschrijving)",
    };

    public static SampleModelSpec Spec { get; } = new(
        Card: new ModelCard
        {
            Id = "card-fraud",
            Version = "1.0.0",
            Description = "Estimates the probability that a card transaction is fraudulent, from its time, amount and 28 "
                + "anonymised behaviour components (ULB/Worldline, European cardholders, September 2013). Trained on a "
                + "balanced under-sample (half fraud), so its probabilities are far higher than real fraud rates. "
                + "A sample model for demonstrating explanations; it is not fit for real fraud decisions.",
            Owner = "Explainability team (sample model)",
            ModelFile = "model.onnx",
            BackgroundFile = "background.csv",
            DataLicence = "ODbL 1.0 (ULB Machine Learning Group / Worldline, Dal Pozzolo et al. 2015); see LICENSE-DATA.md",
            Features =
            [
                Numeric("Time", "Time in data window (standardised)", "Tijdstip in dataperiode (gestandaardiseerd)",
                    "Seconds since the first transaction of the two-day data window, standardised by the data publisher "
                    + "(mean about 0). An artefact of how the data was collected, not a property of the transaction.",
                    Standardised, Transaction, ["internal"]),
                .. Enumerable.Range(1, 28).Select(i => Numeric(
                    "V" + i.ToString(CultureInfo.InvariantCulture),
                    "Behaviour component " + i.ToString(CultureInfo.InvariantCulture),
                    "Gedragscomponent " + i.ToString(CultureInfo.InvariantCulture),
                    "Anonymised principal component " + i.ToString(CultureInfo.InvariantCulture)
                    + " of the original transaction features (PCA by the data publisher); its business meaning is not published.",
                    "", Behaviour) with { Reason = BehaviourReason }),
                Numeric("Amount", "Transaction amount (standardised)", "Transactiebedrag (gestandaardiseerd)",
                    "Transaction amount in EUR, standardised by the data publisher (mean about 0).",
                    Standardised, Transaction) with
                {
                    Reason = new Dictionary<string, string>(StringComparer.Ordinal) { ["en"] = "The amount of the transaction", ["nl"] = "Het bedrag van de transactie" },
                },
            ],
            Output = new OutputCard
            {
                Description = "Probability that the transaction is fraudulent (on balanced data: half of the training rows are fraud)",
                OnnxOutput = "Probability.output",
                Classes = ["genuine", "fraud"],
                PositiveClass = "fraud",
                DecisionThreshold = 0.5,
                PositiveOutcome = "the transaction is flagged as likely fraud",
                NegativeOutcome = "the transaction is not flagged as fraud",
                Bands = [new() { Name = "low", LowerBound = 0 }, new() { Name = "medium", LowerBound = 0.2 }, new() { Name = "high", LowerBound = 0.5 }],
            },
            Reference = new ReferenceCard
            {
                File = SampleModelSpec.ReferenceFile,
                LabelColumn = "Class",
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["1"] = "fraud", ["0"] = "genuine" },
                Description = SampleModelSpec.ReferenceDescription,
            },
            // Time is a position in the publisher's two-day collection window, not a property of a transaction: the
            // portfolio view leaves it out (and its omission record says how much of |SHAP| that hides). The customer
            // reads the behaviour components as one group with one plain reason (see BehaviourReason).
            Policies = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            {
                [Views.Audiences.BusinessManager] = JsonDocument.Parse("""{ "hiddenTags": ["internal"] }""").RootElement.Clone(),
                [Views.Audiences.Customer] = JsonDocument.Parse("""{ "groupByFeatureGroup": true }""").RootElement.Clone(),
            },
        },
        LabelColumn: "Class",
        PositiveLabelValue: "1",
        NegativeLabelValue: "0",
        Summary: "LightGBM binary classifier (ML.NET) that estimates the probability that a card transaction is **fraud** "
            + "(`Class == 1`), from `Time`, `V1`..`V28` and `Amount` of the ULB credit-card fraud data (balanced sample: "
            + "473 frauds, 473 genuine). `V1`..`V28` are anonymous PCA components and `Time`/`Amount` are standardised, "
            + "so explanations can only name components, not business facts. A sample for demonstrating explanations, "
            + "not for real fraud decisions.",
        DataLicenceMarkdown: """
            # Data licence and provenance: `training-data.csv` and `background.csv`

            | item | value |
            | --- | --- |
            | dataset | "Credit Card Fraud Detection", Machine Learning Group, Université Libre de Bruxelles (ULB) and Worldline; Kaggle `mlg-ulb/creditcardfraud`: 284,807 European card transactions from September 2013, 492 frauds |
            | licence | **Open Database License (ODbL) v1.0**, as for the ULB original: https://opendatacommons.org/licenses/odbl/1-0/ . Attribution: Andrea Dal Pozzolo, Olivier Caelen, Reid A. Johnson and Gianluca Bontempi, "Calibrating Probability with Undersampling for Unbalanced Classification", IEEE Symposium Series on Computational Intelligence and Data Mining (CIDM), 2015. A derived database that is published must also be offered under ODbL. |
            | file taken from | GitHub `shyam1444/FDA_CreditCardFraud`, path `creditcard_balanced.csv`, commit `0bfa3c8fadba65cc6690f02dd38d868d0da6704f` (2026-03-29); that repository has no LICENSE file |
            | `training-data.csv` | that file, copied unchanged: 520,303 bytes, sha256 `c4abbadda5a3d0a49d1103b7a101de3dba7420f18773f86e331d3099b3f88959`; 946 rows, columns `Time, V1..V28, Amount, Class` |
            | `background.csv` | 200 of those rows, sampled with a fixed seed by `train-samples`, lines copied unchanged; it is a derived database under ODbL 1.0 as well |
            | `reference.csv` | 200 other rows of the training data (not in `background.csv`), sampled with a fixed seed by `train-samples`, lines copied unchanged; it is a derived database under ODbL 1.0 as well |
            | changes | none here. The source repository's authors dropped exact duplicates, **standardised `Time` and `Amount`** (StandardScaler), kept all 473 remaining frauds and an equal random sample of 473 genuine transactions, shuffled. `V1..V28` are as published by ULB |

            Their README links to a different Kaggle dataset (`nelgiriyewithana/credit-card-fraud-detection-dataset-2023`);
            the content (a `Time` column, 473 unique frauds) matches the 2013 ULB data, which is why ULB is named as the origin.
            `Class`: 1 = fraud, 0 = genuine.
            """);
}
