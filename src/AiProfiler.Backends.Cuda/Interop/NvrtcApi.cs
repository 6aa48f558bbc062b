using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// NVRTC, the CUDA runtime compiler (libnvrtc.so.12 / nvrtc64_120_0.dll). Signatures follow nvrtc.h of CUDA 12.6
/// (read from zspace/system.cuda-12.6 include/nvrtc.h); <c>nvrtcProgram</c> is a pointer. Strings NVRTC owns are
/// returned as pointers and read with <see cref="Marshal.PtrToStringUTF8(nint)"/>, never freed here.
/// </summary>
internal static unsafe partial class NvrtcApi
{
    private const string Lib = CudaNativeLibraries.Nvrtc;

    internal static IReadOnlyList<string> EntryPoints { get; } = LibraryImports.EntryPointsOf(typeof(NvrtcApi));

    [LibraryImport(Lib)]
    internal static partial nint nvrtcGetErrorString(NvrtcResult result);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcGetNumSupportedArchs(out int numArchs);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcGetSupportedArchs(int* supportedArchs);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NvrtcResult nvrtcCreateProgram(
        out nint prog,
        string src,
        string name,
        int numHeaders,
        byte** headers,
        byte** includeNames);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcDestroyProgram(ref nint prog);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcCompileProgram(nint prog, int numOptions, byte** options);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcGetPTXSize(nint prog, out nuint ptxSizeRet);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcGetPTX(nint prog, byte* ptx);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcGetProgramLogSize(nint prog, out nuint logSizeRet);

    [LibraryImport(Lib)]
    internal static partial NvrtcResult nvrtcGetProgramLog(nint prog, byte* log);
}
