using System.Globalization;

namespace Explainability.Core.Data;

/// <summary>One raw input value: a number (NaN is missing) or a category string.</summary>
/// <param name="Number">The number; NaN when missing or when the value is text.</param>
/// <param name="Text">The category text, or null for a number.</param>
public readonly record struct FeatureValue(double Number, string? Text)
{
    /// <summary>A missing value.</summary>
    public static FeatureValue Missing { get; } = new(double.NaN, null);

    /// <summary>Whether this value is text (a category).</summary>
    public bool IsText => Text is not null;

    /// <summary>Whether this value is missing (a NaN number).</summary>
    public bool IsMissing => Text is null && double.IsNaN(Number);

    /// <summary>A numeric value.</summary>
    public static FeatureValue Of(double number) => new(number, null);

    /// <summary>A text value.</summary>
    public static FeatureValue Of(string text) => new(double.NaN, text);

    /// <summary>Invariant text form: the text, the number in round-trip form, or empty for missing.</summary>
    public override string ToString() =>
        Text ?? (double.IsNaN(Number) ? "" : Number.ToString("R", CultureInfo.InvariantCulture));
}
