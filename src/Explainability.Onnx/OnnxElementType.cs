using System.Diagnostics.CodeAnalysis;

namespace Explainability.Onnx;

/// <summary>Element type of an ONNX model input, as far as raw rows can be bound to it.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are ONNX's element type names.")]
public enum OnnxElementType
{
    /// <summary>A type rows cannot be bound to (bool, float16, maps, ...).</summary>
    Unsupported,

    /// <summary>float32; numbers are rounded to float32, missing is NaN.</summary>
    Float,

    /// <summary>float64; missing is NaN.</summary>
    Double,

    /// <summary>int64; numbers must be integral, missing is refused.</summary>
    Int64,

    /// <summary>int32; numbers must be integral, missing is refused.</summary>
    Int32,

    /// <summary>UTF-8 string (a category); missing is the empty string.</summary>
    String,
}
