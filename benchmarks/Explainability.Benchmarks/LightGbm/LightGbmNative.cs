using System.Runtime.InteropServices;

namespace Explainability.Benchmarks.LightGbm;

/// <summary>
/// The few entry points of LightGBM's C API (<c>c_api.h</c>, LightGBM 4.6) that the peer benchmark needs, bound to the
/// <c>lib_lightgbm</c> native library shipped in the <c>LightGBM</c> NuGet package. Every function returns 0 on success
/// and -1 on failure, with the message in <see cref="LGBM_GetLastError"/>; <see cref="Check"/> turns that into an exception.
/// </summary>
internal static unsafe partial class LightGbmNative
{
    /// <summary><c>C_API_DTYPE_FLOAT32</c>.</summary>
    public const int DTypeFloat32 = 0;

    /// <summary><c>C_API_DTYPE_FLOAT64</c>.</summary>
    public const int DTypeFloat64 = 1;

    /// <summary><c>C_API_PREDICT_CONTRIB</c>: per row, one SHAP value per feature and the expected value last.</summary>
    public const int PredictContrib = 3;

    private const string Library = "lib_lightgbm";

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_DatasetCreateFromMat(void* data, int dataType, int nrow, int ncol, int isRowMajor, string parameters, IntPtr reference, out IntPtr dataset);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_DatasetSetField(IntPtr dataset, string fieldName, void* fieldData, int numElement, int type);

    [LibraryImport(Library)]
    public static partial int LGBM_DatasetFree(IntPtr dataset);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterCreate(IntPtr trainData, string parameters, out IntPtr booster);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterUpdateOneIter(IntPtr booster, out int isFinished);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LGBM_BoosterPredictForMat(IntPtr booster, void* data, int dataType, int nrow, int ncol, int isRowMajor,
        int predictType, int startIteration, int numIteration, string parameter, out long outLength, double* outResult);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterDumpModel(IntPtr booster, int startIteration, int numIteration, int featureImportanceType,
        long bufferLength, out long outLength, byte* outString);

    [LibraryImport(Library)]
    public static partial int LGBM_BoosterFree(IntPtr booster);

    [LibraryImport(Library)]
    public static partial IntPtr LGBM_GetLastError();

    /// <summary>Throws with LightGBM's last error message when <paramref name="result"/> is not 0.</summary>
    /// <exception cref="InvalidOperationException">The call failed.</exception>
    public static void Check(int result, string function)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{function} failed: {Marshal.PtrToStringUTF8(LGBM_GetLastError())}");
        }
    }
}
