namespace Explainability.Server.Explaining;

/// <summary>
/// The parsed tree model's output, <c>Link(margin)</c>, differs from what ONNX Runtime serves beyond
/// <see cref="RuntimeCrossCheck"/>'s tolerance (casebook C05, C27): the explanation would explain a number the model does
/// not serve, so none is returned. Maps to gRPC <c>FailedPrecondition</c> and CLI exit code 2. The message names the
/// worst row and output, both values and the tolerance.
/// </summary>
public sealed class RuntimeDisagreementException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RuntimeDisagreementException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RuntimeDisagreementException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public RuntimeDisagreementException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
