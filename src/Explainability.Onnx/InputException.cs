namespace Explainability.Onnx;

/// <summary>
/// Raw input rows do not fit a model's inputs: a feature is missing, a column is unknown, or a value has the wrong
/// kind (text for a numeric input, a number for a string input). The message names the feature and what was expected.
/// </summary>
public class InputException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InputException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for feature <paramref name="featureName"/>.</summary>
    public InputException(string featureName, string message)
        : base(message) => FeatureName = featureName;

    /// <summary>The raw feature or model input concerned, when there is one.</summary>
    public string? FeatureName { get; }
}
