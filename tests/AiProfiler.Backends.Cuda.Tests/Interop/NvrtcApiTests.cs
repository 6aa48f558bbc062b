using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class NvrtcApiTests
{
    /// <summary>Prototypes from nvrtc.h of CUDA 12.6 (zspace/system.cuda-12.6 include/nvrtc.h).</summary>
    private static readonly string[] HeaderPrototypes =
    [
        "const char* nvrtcGetErrorString(nvrtcResult result)",
        "nvrtcResult nvrtcGetNumSupportedArchs(int* numArchs)",
        "nvrtcResult nvrtcGetSupportedArchs(int* supportedArchs)",
        "nvrtcResult nvrtcCreateProgram(nvrtcProgram* prog, const char* src, const char* name, int numHeaders, const char* const* headers, const char* const* includeNames)",
        "nvrtcResult nvrtcDestroyProgram(nvrtcProgram* prog)",
        "nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char* const* options)",
        "nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t* ptxSizeRet)",
        "nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char* ptx)",
        "nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t* logSizeRet)",
        "nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char* log)",
    ];

    [Fact]
    public void Bindings_MatchNvrtcHeaderPrototypes() =>
        NativeSignatures.AssertMatch(typeof(NvrtcApi), HeaderPrototypes);
}
