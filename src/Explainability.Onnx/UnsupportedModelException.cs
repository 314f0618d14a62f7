namespace Explainability.Onnx;

/// <summary>
/// An ONNX graph holds something the tree reader cannot turn into an exact, additive <see cref="Core.Trees.TreeEnsemble"/>:
/// a MIN/MAX aggregation, an unknown attribute value, an op between the ensemble and the served output that is not
/// affine or a link, or an ensemble input column that depends on several raw inputs. The message says what and where;
/// black-box explainers remain possible.
/// </summary>
public class UnsupportedModelException : NotSupportedException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedModelException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnsupportedModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public UnsupportedModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
