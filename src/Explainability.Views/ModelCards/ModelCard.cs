using System.Text.Json.Serialization;

namespace Explainability.Views.ModelCards;

/// <summary>
/// The JSON file beside each model (<c>model-card.json</c>): what the model is, what each raw feature means to a
/// person, which output is explained, and where the background data is. Read with <see cref="ModelCardReader"/>.
/// </summary>
public sealed record ModelCard
{
    /// <summary>Stable model id used in requests, e.g. <c>credit-risk</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Model version, e.g. <c>1.0.0</c>.</summary>
    public required string Version { get; init; }

    /// <summary>One-paragraph description for people.</summary>
    public string Description { get; init; } = "";

    /// <summary>Team or person accountable for the model.</summary>
    public string Owner { get; init; } = "";

    /// <summary>ONNX file name relative to the card, default <c>model.onnx</c>.</summary>
    public string ModelFile { get; init; } = "model.onnx";

    /// <summary>Background CSV relative to the card (raw columns as in the source data), or null.</summary>
    public string? BackgroundFile { get; init; }

    /// <summary>Licence note of the training data, e.g. <c>CC BY 4.0 (UCI)</c>, and the file that holds it.</summary>
    public string DataLicence { get; init; } = "";

    /// <summary>The raw input features in the model's input order.</summary>
    public required IReadOnlyList<FeatureCard> Features { get; init; }

    /// <summary>The explained output.</summary>
    public required OutputCard Output { get; init; }

    /// <summary>Per-audience policy overrides (audience name -> object with only the settings that differ from
    /// <c>templates/policies.json</c>), read by <see cref="Policies.PolicyReader"/>; null for none.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Policies { get; init; }

    /// <summary>A labelled reference set of past cases beside the model (for the fraud analyst's most similar cases), or null.</summary>
    public ReferenceCard? Reference { get; init; }
}

/// <summary>A labelled set of past cases: raw feature columns as in the input, plus a label column.</summary>
public sealed record ReferenceCard
{
    /// <summary>CSV file relative to the card, e.g. <c>reference.csv</c>.</summary>
    public required string File { get; init; }

    /// <summary>The column holding each case's known outcome, e.g. <c>class</c>.</summary>
    public required string LabelColumn { get; init; }

    /// <summary>Raw label value -> the class it means (one of <see cref="OutputCard.Classes"/>), e.g. <c>no</c> -> <c>bad</c>.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Where the rows come from, for people (which data, how sampled, whether the model saw them in training).</summary>
    public string Description { get; init; } = "";
}

/// <summary>A named range of the positive-class probability, from <see cref="LowerBound"/> up to the next band's.</summary>
public sealed record RiskBand
{
    /// <summary>Band name, e.g. <c>low</c>, <c>medium</c>, <c>high</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Lowest probability (0..1, inclusive) in the band; the first band starts at 0.</summary>
    public required double LowerBound { get; init; }
}

/// <summary>A feature's wording in one language other than English.</summary>
public sealed record FeatureTranslation
{
    /// <summary>The unit in that language (<c>maanden</c>), or null to keep <see cref="FeatureCard.Unit"/>.</summary>
    public string? Unit { get; init; }

    /// <summary>Raw category value -> label in that language; categories not listed keep their English label.</summary>
    public IReadOnlyDictionary<string, string>? Categories { get; init; }
}

/// <summary>One raw input feature as people should see it.</summary>
public sealed record FeatureCard
{
    /// <summary>Column name in the input (CSV header, ONNX input name).</summary>
    public required string Name { get; init; }

    /// <summary>Display name per language code (<c>en</c>, <c>nl</c>); <c>en</c> is required.</summary>
    public required IReadOnlyDictionary<string, string> DisplayName { get; init; }

    /// <summary>What the feature means.</summary>
    public string Description { get; init; } = "";

    /// <summary>Unit of the values (<c>months</c>, <c>DM</c>, <c>years</c>), empty for none.</summary>
    public string Unit { get; init; } = "";

    /// <summary><c>numeric</c> or <c>categorical</c>.</summary>
    public required string Type { get; init; }

    /// <summary>For categorical features: raw value -> label for people.</summary>
    public IReadOnlyDictionary<string, string>? Categories { get; init; }

    /// <summary>Feature group for grouped views (e.g. <c>Finances</c>, <c>Personal</c>).</summary>
    public string Group { get; init; } = "";

    /// <summary>Tags: <c>protected</c>, <c>internal</c>, <c>actionable</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>For <c>actionable</c> features: the allowed direction of change, <c>increase</c>, <c>decrease</c> or <c>any</c>.</summary>
    public string? ActionableDirection { get; init; }

    /// <summary>For an actionable categorical feature: its categories from lowest to highest, the scale that
    /// <see cref="ActionableDirection"/> <c>increase</c>/<c>decrease</c> moves along; categories not listed are never
    /// suggested nor left by a suggestion. Null: the order of <see cref="Categories"/>.</summary>
    public IReadOnlyList<string>? ActionableOrder { get; init; }

    /// <summary>Adverse-action style reason statement per language code, a noun phrase a customer can read as one of the
    /// principal reasons for a decision ("The amount you applied for"); null or a missing language: views use the display name.</summary>
    public IReadOnlyDictionary<string, string>? Reason { get; init; }

    /// <summary>Unit and category labels per language code other than English, or null.</summary>
    public IReadOnlyDictionary<string, FeatureTranslation>? Translations { get; init; }

    /// <summary>Whether the feature carries <paramref name="tag"/>.</summary>
    [JsonIgnore]
    public bool this[string tag] => Tags.Contains(tag, StringComparer.Ordinal);
}

/// <summary>The explained output of a model.</summary>
public sealed record OutputCard
{
    /// <summary>What the score means, e.g. "probability of bad credit risk".</summary>
    public string Description { get; init; } = "";

    /// <summary>ONNX output name holding the served score or probabilities.</summary>
    public string OnnxOutput { get; init; } = "";

    /// <summary>Class labels in output order (classifiers), empty for regressors.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>The class whose probability is explained (binary classifiers).</summary>
    public string? PositiveClass { get; init; }

    /// <summary>Decision threshold on the positive-class probability.</summary>
    public double DecisionThreshold { get; init; } = 0.5;

    /// <summary>What the positive outcome means for a customer ("the application is declined"): the outcome of a case whose
    /// positive-class probability is at or above <see cref="DecisionThreshold"/>. Empty: views use a generic wording.</summary>
    public string PositiveOutcome { get; init; } = "";

    /// <summary>What the other outcome means for a customer ("the application is assessed as an acceptable credit risk"): the
    /// outcome of a case whose positive-class probability is below <see cref="DecisionThreshold"/>. Empty: views use a
    /// generic wording.</summary>
    public string NegativeOutcome { get; init; } = "";

    /// <summary>Risk bands on the positive-class probability, in increasing <see cref="RiskBand.LowerBound"/>, the first at 0;
    /// empty when the card defines none.</summary>
    public IReadOnlyList<RiskBand> Bands { get; init; } = [];

    /// <summary>The band of probability <paramref name="probability"/> (the last band whose lower bound is at or below it), or
    /// null without bands.</summary>
    public string? BandOf(double probability) => Bands.LastOrDefault(b => b.LowerBound <= probability)?.Name;
}
