using System.Globalization;
using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// Turns CUDA, NVRTC and cuBLAS result codes into text. The libraries' own functions (cuGetErrorName and
/// cuGetErrorString, nvrtcGetErrorString, cublasGetStatusName) are preferred; the hand tables below serve when a
/// library is absent or does not know a code. Codes and names are those of CUDA 12.6's cuda.h, nvrtc.h and
/// cublas_api.h (zspace/system.cuda-12.6 include/); the descriptions are short summaries written here.
/// </summary>
internal static class CudaErrorText
{
    internal static IReadOnlyDictionary<int, (string Name, string Description)> DriverCodes { get; } =
        new Dictionary<int, (string, string)>
        {
            [0] = ("CUDA_SUCCESS", "no error"),
            [1] = ("CUDA_ERROR_INVALID_VALUE", "a parameter is out of range"),
            [2] = ("CUDA_ERROR_OUT_OF_MEMORY", "out of device memory"),
            [3] = ("CUDA_ERROR_NOT_INITIALIZED", "the driver is not initialized"),
            [4] = ("CUDA_ERROR_DEINITIALIZED", "the driver is shutting down"),
            [5] = ("CUDA_ERROR_PROFILER_DISABLED", "the profiler is disabled"),
            [6] = ("CUDA_ERROR_PROFILER_NOT_INITIALIZED", "the profiler is not initialized"),
            [7] = ("CUDA_ERROR_PROFILER_ALREADY_STARTED", "the profiler was already started"),
            [8] = ("CUDA_ERROR_PROFILER_ALREADY_STOPPED", "the profiler was already stopped"),
            [34] = ("CUDA_ERROR_STUB_LIBRARY", "the loaded libcuda is a stub, not a real driver"),
            [46] = ("CUDA_ERROR_DEVICE_UNAVAILABLE", "the device is busy or prohibited by its compute mode"),
            [100] = ("CUDA_ERROR_NO_DEVICE", "no CUDA-capable device was found"),
            [101] = ("CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"),
            [102] = ("CUDA_ERROR_DEVICE_NOT_LICENSED", "the device has no Grid license"),
            [200] = ("CUDA_ERROR_INVALID_IMAGE", "invalid kernel image"),
            [201] = ("CUDA_ERROR_INVALID_CONTEXT", "no valid context is current"),
            [202] = ("CUDA_ERROR_CONTEXT_ALREADY_CURRENT", "the context is already current"),
            [205] = ("CUDA_ERROR_MAP_FAILED", "a map operation failed"),
            [206] = ("CUDA_ERROR_UNMAP_FAILED", "an unmap operation failed"),
            [207] = ("CUDA_ERROR_ARRAY_IS_MAPPED", "the array is mapped"),
            [208] = ("CUDA_ERROR_ALREADY_MAPPED", "the resource is already mapped"),
            [209] = ("CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image for this device"),
            [210] = ("CUDA_ERROR_ALREADY_ACQUIRED", "the resource is already acquired"),
            [211] = ("CUDA_ERROR_NOT_MAPPED", "the resource is not mapped"),
            [212] = ("CUDA_ERROR_NOT_MAPPED_AS_ARRAY", "the resource is not mapped as an array"),
            [213] = ("CUDA_ERROR_NOT_MAPPED_AS_POINTER", "the resource is not mapped as a pointer"),
            [214] = ("CUDA_ERROR_ECC_UNCORRECTABLE", "uncorrectable ECC error"),
            [215] = ("CUDA_ERROR_UNSUPPORTED_LIMIT", "the limit is not supported by the device"),
            [216] = ("CUDA_ERROR_CONTEXT_ALREADY_IN_USE", "the context is bound to another thread"),
            [217] = ("CUDA_ERROR_PEER_ACCESS_UNSUPPORTED", "peer access is not supported"),
            [218] = ("CUDA_ERROR_INVALID_PTX", "PTX JIT compilation failed"),
            [219] = ("CUDA_ERROR_INVALID_GRAPHICS_CONTEXT", "invalid graphics context"),
            [220] = ("CUDA_ERROR_NVLINK_UNCORRECTABLE", "uncorrectable NVLink error"),
            [221] = ("CUDA_ERROR_JIT_COMPILER_NOT_FOUND", "the PTX JIT compiler library was not found"),
            [222] = ("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the PTX is newer than the driver supports; update the NVIDIA driver"),
            [223] = ("CUDA_ERROR_JIT_COMPILATION_DISABLED", "PTX JIT compilation is disabled"),
            [224] = ("CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY", "the execution affinity is not supported"),
            [225] = ("CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC", "the code calls cudaDeviceSynchronize on the device"),
            [300] = ("CUDA_ERROR_INVALID_SOURCE", "invalid kernel source"),
            [301] = ("CUDA_ERROR_FILE_NOT_FOUND", "file not found"),
            [302] = ("CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND", "a shared object symbol was not found"),
            [303] = ("CUDA_ERROR_SHARED_OBJECT_INIT_FAILED", "a shared object failed to initialize"),
            [304] = ("CUDA_ERROR_OPERATING_SYSTEM", "an operating system call failed"),
            [400] = ("CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"),
            [401] = ("CUDA_ERROR_ILLEGAL_STATE", "the resource is in an illegal state"),
            [402] = ("CUDA_ERROR_LOSSY_QUERY", "the query would lose information"),
            [500] = ("CUDA_ERROR_NOT_FOUND", "named symbol not found"),
            [600] = ("CUDA_ERROR_NOT_READY", "the operation has not completed yet"),
            [700] = ("CUDA_ERROR_ILLEGAL_ADDRESS", "a kernel accessed an illegal address"),
            [701] = ("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for the launch"),
            [702] = ("CUDA_ERROR_LAUNCH_TIMEOUT", "the kernel ran past the watchdog timeout"),
            [703] = ("CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING", "incompatible texturing mode"),
            [704] = ("CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED", "peer access is already enabled"),
            [705] = ("CUDA_ERROR_PEER_ACCESS_NOT_ENABLED", "peer access is not enabled"),
            [708] = ("CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE", "the primary context is already active"),
            [709] = ("CUDA_ERROR_CONTEXT_IS_DESTROYED", "the context was destroyed"),
            [710] = ("CUDA_ERROR_ASSERT", "a device-side assert failed"),
            [711] = ("CUDA_ERROR_TOO_MANY_PEERS", "too many peer connections"),
            [712] = ("CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED", "host memory is already registered"),
            [713] = ("CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED", "host memory is not registered"),
            [714] = ("CUDA_ERROR_HARDWARE_STACK_ERROR", "hardware stack error in a kernel"),
            [715] = ("CUDA_ERROR_ILLEGAL_INSTRUCTION", "illegal instruction in a kernel"),
            [716] = ("CUDA_ERROR_MISALIGNED_ADDRESS", "misaligned address in a kernel"),
            [717] = ("CUDA_ERROR_INVALID_ADDRESS_SPACE", "invalid address space in a kernel"),
            [718] = ("CUDA_ERROR_INVALID_PC", "invalid program counter in a kernel"),
            [719] = ("CUDA_ERROR_LAUNCH_FAILED", "an exception occurred while a kernel ran"),
            [720] = ("CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE", "too many blocks for a cooperative launch"),
            [800] = ("CUDA_ERROR_NOT_PERMITTED", "operation not permitted"),
            [801] = ("CUDA_ERROR_NOT_SUPPORTED", "operation not supported"),
            [802] = ("CUDA_ERROR_SYSTEM_NOT_READY", "the system is not ready for CUDA work"),
            [803] = ("CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", "the display driver and the CUDA driver do not match"),
            [804] = ("CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE", "forward compatibility is not supported on this device"),
            [805] = ("CUDA_ERROR_MPS_CONNECTION_FAILED", "could not connect to the MPS server"),
            [806] = ("CUDA_ERROR_MPS_RPC_FAILURE", "an MPS remote call failed"),
            [807] = ("CUDA_ERROR_MPS_SERVER_NOT_READY", "the MPS server is not ready"),
            [808] = ("CUDA_ERROR_MPS_MAX_CLIENTS_REACHED", "the MPS server has too many clients"),
            [809] = ("CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED", "the MPS server has too many connections"),
            [810] = ("CUDA_ERROR_MPS_CLIENT_TERMINATED", "the MPS server terminated this client"),
            [811] = ("CUDA_ERROR_CDP_NOT_SUPPORTED", "dynamic parallelism is not supported here"),
            [812] = ("CUDA_ERROR_CDP_VERSION_MISMATCH", "mixed dynamic parallelism versions"),
            [900] = ("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", "not permitted while the stream is capturing"),
            [901] = ("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED", "the stream capture was invalidated"),
            [902] = ("CUDA_ERROR_STREAM_CAPTURE_MERGE", "two captures would merge"),
            [903] = ("CUDA_ERROR_STREAM_CAPTURE_UNMATCHED", "the capture was not begun in this stream"),
            [904] = ("CUDA_ERROR_STREAM_CAPTURE_UNJOINED", "a captured fork was not joined"),
            [905] = ("CUDA_ERROR_STREAM_CAPTURE_ISOLATION", "a dependency crosses the capture boundary"),
            [906] = ("CUDA_ERROR_STREAM_CAPTURE_IMPLICIT", "implicit dependency on a capture"),
            [907] = ("CUDA_ERROR_CAPTURED_EVENT", "the event was last recorded in a capturing stream"),
            [908] = ("CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD", "the capture was ended on another thread"),
            [909] = ("CUDA_ERROR_TIMEOUT", "the wait timed out"),
            [910] = ("CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE", "the graph update was not performed"),
            [911] = ("CUDA_ERROR_EXTERNAL_DEVICE", "an external device signalled an error"),
            [912] = ("CUDA_ERROR_INVALID_CLUSTER_SIZE", "invalid cluster size"),
            [913] = ("CUDA_ERROR_FUNCTION_NOT_LOADED", "the function is not loaded"),
            [914] = ("CUDA_ERROR_INVALID_RESOURCE_TYPE", "invalid resource type"),
            [915] = ("CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION", "invalid resource configuration"),
            [999] = ("CUDA_ERROR_UNKNOWN", "unknown internal error"),
        };

    internal static IReadOnlyDictionary<int, string> NvrtcCodes { get; } = new Dictionary<int, string>
    {
        [0] = "NVRTC_SUCCESS",
        [1] = "NVRTC_ERROR_OUT_OF_MEMORY",
        [2] = "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
        [3] = "NVRTC_ERROR_INVALID_INPUT",
        [4] = "NVRTC_ERROR_INVALID_PROGRAM",
        [5] = "NVRTC_ERROR_INVALID_OPTION",
        [6] = "NVRTC_ERROR_COMPILATION",
        [7] = "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE",
        [8] = "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION",
        [9] = "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION",
        [10] = "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID",
        [11] = "NVRTC_ERROR_INTERNAL_ERROR",
        [12] = "NVRTC_ERROR_TIME_FILE_WRITE_FAILED",
    };

    internal static IReadOnlyDictionary<int, string> CublasCodes { get; } = new Dictionary<int, string>
    {
        [0] = "CUBLAS_STATUS_SUCCESS",
        [1] = "CUBLAS_STATUS_NOT_INITIALIZED",
        [3] = "CUBLAS_STATUS_ALLOC_FAILED",
        [7] = "CUBLAS_STATUS_INVALID_VALUE",
        [8] = "CUBLAS_STATUS_ARCH_MISMATCH",
        [11] = "CUBLAS_STATUS_MAPPING_ERROR",
        [13] = "CUBLAS_STATUS_EXECUTION_FAILED",
        [14] = "CUBLAS_STATUS_INTERNAL_ERROR",
        [15] = "CUBLAS_STATUS_NOT_SUPPORTED",
        [16] = "CUBLAS_STATUS_LICENSE_ERROR",
    };

    /// <summary>
    /// "NAME (description)" for a driver result; <paramref name="native"/> asks the driver (null when it is not
    /// loaded) and may return nulls for a code it does not know.
    /// </summary>
    internal static string DescribeDriver(int code, Func<int, (string? Name, string? Description)>? native = null)
    {
        var (name, description) = native?.Invoke(code) ?? (null, null);
        if (DriverCodes.TryGetValue(code, out var known))
        {
            name ??= known.Name;
            description ??= known.Description;
        }

        name ??= string.Create(CultureInfo.InvariantCulture, $"CUDA error {code}");
        return description is null ? name : $"{name} ({description})";
    }

    /// <summary>The name of a driver result, e.g. <c>CUDA_ERROR_NO_DEVICE</c>.</summary>
    internal static string DriverName(int code, Func<int, (string? Name, string? Description)>? native = null) =>
        native?.Invoke(code).Name
        ?? (DriverCodes.TryGetValue(code, out var known) ? known.Name : string.Create(CultureInfo.InvariantCulture, $"CUDA error {code}"));

    internal static string DescribeNvrtc(int code, Func<int, string?>? native = null) =>
        native?.Invoke(code) is { Length: > 0 } text && !text.Contains("unknown", StringComparison.OrdinalIgnoreCase)
            ? text
            : NvrtcCodes.TryGetValue(code, out var name) ? name : string.Create(CultureInfo.InvariantCulture, $"NVRTC error {code}");

    internal static string DescribeCublas(int code, Func<int, string?>? native = null) =>
        native?.Invoke(code) is { Length: > 0 } text && !text.Contains("UNKNOWN", StringComparison.Ordinal)
            ? text
            : CublasCodes.TryGetValue(code, out var name) ? name : string.Create(CultureInfo.InvariantCulture, $"cuBLAS status {code}");

    /// <summary>Asks the loaded driver for a code's name and description.</summary>
    internal static (string? Name, string? Description) FromDriver(int code)
    {
        try
        {
            var name = CudaDriverApi.cuGetErrorName((CuResult)code, out var namePtr) == CuResult.Success ? Marshal.PtrToStringUTF8(namePtr) : null;
            var text = CudaDriverApi.cuGetErrorString((CuResult)code, out var textPtr) == CuResult.Success ? Marshal.PtrToStringUTF8(textPtr) : null;
            return (name, text);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (null, null);
        }
    }

    /// <summary>Asks the loaded NVRTC for a code's name.</summary>
    internal static string? FromNvrtc(int code)
    {
        try
        {
            return Marshal.PtrToStringUTF8(NvrtcApi.nvrtcGetErrorString((NvrtcResult)code));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Asks the loaded cuBLAS for a status's name.</summary>
    internal static string? FromCublas(int code)
    {
        try
        {
            return Marshal.PtrToStringUTF8(CublasApi.cublasGetStatusName((CublasStatus)code));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
