using Explainability.Views.ModelCards;

namespace Explainability.Cli.Training;

/// <summary>Short constructors for the feature cards of the sample models.</summary>
internal static class FeatureCards
{
    public static FeatureCard Numeric(
        string name, string en, string nl, string description, string unit, string group,
        string[]? tags = null, string? direction = null) =>
        new()
        {
            Name = name,
            DisplayName = new Dictionary<string, string> { ["en"] = en, ["nl"] = nl },
            Description = description,
            Unit = unit,
            Type = "numeric",
            Group = group,
            Tags = tags ?? [],
            ActionableDirection = direction,
        };

    public static FeatureCard Categorical(
        string name, string en, string nl, string description, string unit, string group,
        (string Raw, string Label)[] categories, string[]? tags = null, string? direction = null) =>
        new()
        {
            Name = name,
            DisplayName = new Dictionary<string, string> { ["en"] = en, ["nl"] = nl },
            Description = description,
            Unit = unit,
            Type = "categorical",
            Categories = categories.ToDictionary(c => c.Raw, c => c.Label, StringComparer.Ordinal),
            Group = group,
            Tags = tags ?? [],
            ActionableDirection = direction,
        };
}
