using System.Text.Json;

namespace Explainability.Views.ModelCards;

/// <summary>Reads and validates model cards.</summary>
public static class ModelCardReader
{
    /// <summary>JSON options used for model cards: camelCase, comments and trailing commas allowed.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    /// <summary>Reads the card at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">The JSON is malformed or a required field is missing or invalid; the message names it.
    /// Also when a policy override is invalid (<see cref="Policies.PolicyReader.CheckOverrides"/>): the
    /// message names the card, the audience, the setting and the bad value.</exception>
    public static ModelCard Read(string path)
    {
        ModelCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"model card {path} is not valid: {e.Message}", e);
        }

        if (card is null)
        {
            throw new InvalidDataException($"model card {path} is empty");
        }

        Validate(card, path);
        return card;
    }

    private static void Validate(ModelCard card, string path)
    {
        // Policy overrides are rejected at load, not at the first request that projects a view.
        Policies.PolicyReader.CheckOverrides(card.Policies, $"model card {path}");

        var output = card.Output;
        if (!(output.DecisionThreshold > 0 && output.DecisionThreshold < 1))
        {
            throw new InvalidDataException(
                $"model card {path}: output.decisionThreshold is {output.DecisionThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}, expected a probability between 0 and 1 (exclusive)");
        }

        if (output.PositiveOutcome.Length > 0 && string.Equals(output.PositiveOutcome.Trim(), output.NegativeOutcome.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            // The same sentence for both outcomes would tell a customer the opposite of the decision half of the time.
            throw new InvalidDataException($"model card {path}: output.positiveOutcome and output.negativeOutcome are both '{output.PositiveOutcome}'; they must describe opposite outcomes");
        }

        for (int b = 0; b < output.Bands.Count; b++)
        {
            double lower = output.Bands[b].LowerBound;
            if (b == 0 ? lower != 0 : !(lower > output.Bands[b - 1].LowerBound && lower < 1))
            {
                throw new InvalidDataException(
                    $"model card {path}: output.bands[{b}] ('{output.Bands[b].Name}') has lowerBound {lower.ToString(System.Globalization.CultureInfo.InvariantCulture)}; expected {(b == 0 ? "0 for the first band" : "a probability above the previous band's and below 1")}");
            }
        }

        if (card.Reference is { } reference)
        {
            if (reference.File.Length == 0 || reference.LabelColumn.Length == 0)
            {
                throw new InvalidDataException($"model card {path}: reference needs a file and a labelColumn");
            }

            foreach (var (raw, cls) in reference.Labels)
            {
                if (!output.Classes.Contains(cls, StringComparer.Ordinal))
                {
                    throw new InvalidDataException($"model card {path}: reference.labels maps '{raw}' to '{cls}', which is not one of output.classes ({string.Join(", ", output.Classes)})");
                }
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in card.Features)
        {
            if (!names.Add(f.Name))
            {
                throw new InvalidDataException($"model card {path}: feature '{f.Name}' is listed twice");
            }

            if (f.Type is not ("numeric" or "categorical"))
            {
                throw new InvalidDataException($"model card {path}: feature '{f.Name}' has type '{f.Type}', expected 'numeric' or 'categorical'");
            }

            if (!f.DisplayName.ContainsKey("en"))
            {
                throw new InvalidDataException($"model card {path}: feature '{f.Name}' has no English display name (displayName.en)");
            }

            foreach (var tag in f.Tags)
            {
                if (!Policies.AudiencePolicy.KnownTags.Contains(tag, StringComparer.Ordinal))
                {
                    throw new InvalidDataException($"model card {path}: feature '{f.Name}' has unknown tag '{tag}' (expected protected, internal or actionable)");
                }
            }

            if (f.ActionableOrder?.FirstOrDefault(c => f.Categories is null || !f.Categories.ContainsKey(c)) is { } unknown)
            {
                throw new InvalidDataException($"model card {path}: feature '{f.Name}' lists '{unknown}' in actionableOrder, which is not one of its categories");
            }

            if (f["actionable"] && f.ActionableDirection is not ("increase" or "decrease" or "any"))
            {
                throw new InvalidDataException($"model card {path}: actionable feature '{f.Name}' needs actionableDirection increase, decrease or any");
            }
        }
    }
}
