using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>
/// The CLBlast C API (<c>clblast_c.h</c>) entry points the backend calls: single-precision GEMM, plain and strided
/// batched. Enumerations are C <c>enum</c>s (<see cref="int"/>); the queue is passed by pointer, the event may be null.
/// </summary>
internal static unsafe partial class ClBlastNative
{
    /// <summary>CLBlastLayoutRowMajor.</summary>
    public const int LayoutRowMajor = 101;

    /// <summary>CLBlastTransposeNo.</summary>
    public const int TransposeNo = 111;

    /// <summary>CLBlastTransposeYes.</summary>
    public const int TransposeYes = 112;

    static ClBlastNative() => OpenClLibrary.EnsureResolver();

    [LibraryImport(OpenClLibrary.ClBlast)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int CLBlastSgemm(int layout, int aTranspose, int bTranspose, nuint m, nuint n, nuint k, float alpha,
        nint aBuffer, nuint aOffset, nuint aLd, nint bBuffer, nuint bOffset, nuint bLd, float beta,
        nint cBuffer, nuint cOffset, nuint cLd, nint* queue, nint* evt);

    [LibraryImport(OpenClLibrary.ClBlast)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int CLBlastSgemmStridedBatched(int layout, int aTranspose, int bTranspose, nuint m, nuint n, nuint k, float alpha,
        nint aBuffer, nuint aOffset, nuint aLd, nuint aStride, nint bBuffer, nuint bOffset, nuint bLd, nuint bStride, float beta,
        nint cBuffer, nuint cOffset, nuint cLd, nuint cStride, nuint batchCount, nint* queue, nint* evt);

    /// <summary>Releases CLBlast's cached programs (and the OpenCL contexts they retain).</summary>
    [LibraryImport(OpenClLibrary.ClBlast)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int CLBlastClearCache();

    /// <summary>Names of CLBlast's own status codes; codes shared with OpenCL are named by <see cref="ClErrors"/>.</summary>
    public static string StatusName(int status) => status switch
    {
        -1024 => "CLBlastNotImplemented",
        -1022 => "CLBlastInvalidMatrixA",
        -1021 => "CLBlastInvalidMatrixB",
        -1020 => "CLBlastInvalidMatrixC",
        -1017 => "CLBlastInvalidDimension",
        -1016 => "CLBlastInvalidLeadDimA",
        -1015 => "CLBlastInvalidLeadDimB",
        -1014 => "CLBlastInvalidLeadDimC",
        -1011 => "CLBlastInsufficientMemoryA",
        -1010 => "CLBlastInsufficientMemoryB",
        -1009 => "CLBlastInsufficientMemoryC",
        -2050 => "CLBlastInsufficientMemoryTemp",
        -2049 => "CLBlastInvalidBatchCount",
        -2046 => "CLBlastInvalidLocalMemUsage",
        -2045 => "CLBlastNoHalfPrecision",
        -2041 => "CLBlastDatabaseError",
        -2040 => "CLBlastUnknownError",
        -2039 => "CLBlastUnexpectedError",
        _ => ClErrors.Name(status),
    };
}
