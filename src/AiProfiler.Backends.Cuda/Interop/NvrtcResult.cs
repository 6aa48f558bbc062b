namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>NVRTC's result codes (<c>nvrtcResult</c> in nvrtc.h of CUDA 12.6, read from zspace/system.cuda-12.6 include/nvrtc.h).</summary>
internal enum NvrtcResult
{
    Success = 0,
    ErrorOutOfMemory = 1,
    ErrorProgramCreationFailure = 2,
    ErrorInvalidInput = 3,
    ErrorInvalidProgram = 4,
    ErrorInvalidOption = 5,
    ErrorCompilation = 6,
    ErrorBuiltinOperationFailure = 7,
    ErrorNoNameExpressionsAfterCompilation = 8,
    ErrorNoLoweredNamesBeforeCompilation = 9,
    ErrorNameExpressionNotValid = 10,
    ErrorInternalError = 11,
    ErrorTimeFileWriteFailed = 12,
}
