using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class NvrtcResultTests
{
    [Fact]
    public void Members_MatchNvrtcHeader() =>
        // nvrtc.h of CUDA 12.6, nvrtcResult.
        HeaderEnum.AssertMatches<NvrtcResult>(
            ("Success", "NVRTC_SUCCESS", 0),
            ("ErrorOutOfMemory", "NVRTC_ERROR_OUT_OF_MEMORY", 1),
            ("ErrorProgramCreationFailure", "NVRTC_ERROR_PROGRAM_CREATION_FAILURE", 2),
            ("ErrorInvalidInput", "NVRTC_ERROR_INVALID_INPUT", 3),
            ("ErrorInvalidProgram", "NVRTC_ERROR_INVALID_PROGRAM", 4),
            ("ErrorInvalidOption", "NVRTC_ERROR_INVALID_OPTION", 5),
            ("ErrorCompilation", "NVRTC_ERROR_COMPILATION", 6),
            ("ErrorBuiltinOperationFailure", "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE", 7),
            ("ErrorNoNameExpressionsAfterCompilation", "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION", 8),
            ("ErrorNoLoweredNamesBeforeCompilation", "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION", 9),
            ("ErrorNameExpressionNotValid", "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID", 10),
            ("ErrorInternalError", "NVRTC_ERROR_INTERNAL_ERROR", 11),
            ("ErrorTimeFileWriteFailed", "NVRTC_ERROR_TIME_FILE_WRITE_FAILED", 12));
}
