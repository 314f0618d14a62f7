namespace Explainability.Server.Models;

/// <summary>A request named a model id the registry does not hold. Maps to gRPC <c>NotFound</c>.</summary>
public sealed class ModelNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public ModelNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ModelNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
