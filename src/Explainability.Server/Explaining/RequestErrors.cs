using Explainability.Onnx;

namespace Explainability.Server.Explaining;

/// <summary>
/// Tells the service's own validation errors from bugs, for the two edges that translate exceptions (the gRPC
/// interceptor and the command line).
/// </summary>
public static class RequestErrors
{
    /// <summary>
    /// Whether <paramref name="exception"/> is a refusal of the request by the service's own checks: an
    /// <see cref="InputException"/>, or an exception of exactly the type <see cref="ArgumentException"/> or
    /// <see cref="FormatException"/> thrown by code of this product (an <c>Explainability*</c> assembly).
    /// </summary>
    /// <remarks>
    /// The validation throws plain <see cref="ArgumentException"/> in many places (unknown method, audience, format, output
    /// space, language; a method that needs a background). The framework throws the same type for its own reasons
    /// (a duplicate dictionary key) and its subclasses <see cref="ArgumentNullException"/> and
    /// <see cref="ArgumentOutOfRangeException"/> for bugs, so the type alone does not decide: the method that threw must
    /// be ours. Its message was written for the client; a framework message never is.
    /// </remarks>
    public static bool IsOwnValidation(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is InputException)
        {
            return true;
        }

        var type = exception.GetType();
        return (type == typeof(ArgumentException) || type == typeof(FormatException)) && ThrownByProduct(exception);
    }

    private static bool ThrownByProduct(Exception exception)
    {
        string? assembly = exception.TargetSite?.DeclaringType?.Assembly.GetName().Name;
        return assembly is not null && assembly.StartsWith("Explainability", StringComparison.OrdinalIgnoreCase);
    }
}
