using System.Globalization;

namespace AiProfiler.Telemetry.Nvml;

/// <summary>
/// What nvmlErrorString gives, from our own table: the sampler must explain a failure even when the library that
/// would explain it is missing or half-loaded. Wording follows the comments on nvmlReturn_t in nvml.h.
/// </summary>
internal static class NvmlErrors
{
    private static readonly Dictionary<NvmlReturn, (string Symbol, string Meaning)> Table = new()
    {
        [NvmlReturn.Success] = ("NVML_SUCCESS", "the operation was successful"),
        [NvmlReturn.Uninitialized] = ("NVML_ERROR_UNINITIALIZED", "NVML was not first initialized with nvmlInit"),
        [NvmlReturn.InvalidArgument] = ("NVML_ERROR_INVALID_ARGUMENT", "a supplied argument is invalid"),
        [NvmlReturn.NotSupported] = ("NVML_ERROR_NOT_SUPPORTED", "the requested operation is not available on the target device"),
        [NvmlReturn.NoPermission] = ("NVML_ERROR_NO_PERMISSION", "the current user does not have permission for the operation"),
        [NvmlReturn.AlreadyInitialized] = ("NVML_ERROR_ALREADY_INITIALIZED", "NVML is already initialized"),
        [NvmlReturn.NotFound] = ("NVML_ERROR_NOT_FOUND", "a query to find an object was unsuccessful"),
        [NvmlReturn.InsufficientSize] = ("NVML_ERROR_INSUFFICIENT_SIZE", "an input argument is not large enough"),
        [NvmlReturn.InsufficientPower] = ("NVML_ERROR_INSUFFICIENT_POWER", "a device's external power cables are not properly attached"),
        [NvmlReturn.DriverNotLoaded] = ("NVML_ERROR_DRIVER_NOT_LOADED", "the NVIDIA driver is not loaded"),
        [NvmlReturn.Timeout] = ("NVML_ERROR_TIMEOUT", "the user-provided timeout passed"),
        [NvmlReturn.IrqIssue] = ("NVML_ERROR_IRQ_ISSUE", "the NVIDIA kernel module detected an interrupt issue with a GPU"),
        [NvmlReturn.LibraryNotFound] = ("NVML_ERROR_LIBRARY_NOT_FOUND", "the NVML shared library could not be found or loaded"),
        [NvmlReturn.FunctionNotFound] = ("NVML_ERROR_FUNCTION_NOT_FOUND", "the installed NVML does not implement this function"),
        [NvmlReturn.CorruptedInforom] = ("NVML_ERROR_CORRUPTED_INFOROM", "the infoROM is corrupted"),
        [NvmlReturn.GpuIsLost] = ("NVML_ERROR_GPU_IS_LOST", "the GPU has fallen off the bus or has otherwise become inaccessible"),
        [NvmlReturn.ResetRequired] = ("NVML_ERROR_RESET_REQUIRED", "the GPU requires a reset before it can be used again"),
        [NvmlReturn.OperatingSystem] = ("NVML_ERROR_OPERATING_SYSTEM", "the GPU control device has been blocked by the operating system or cgroups"),
        [NvmlReturn.LibRmVersionMismatch] = ("NVML_ERROR_LIB_RM_VERSION_MISMATCH", "the driver and the NVML library versions do not match"),
        [NvmlReturn.InUse] = ("NVML_ERROR_IN_USE", "the GPU is currently in use"),
        [NvmlReturn.Memory] = ("NVML_ERROR_MEMORY", "insufficient memory"),
        [NvmlReturn.NoData] = ("NVML_ERROR_NO_DATA", "no data"),
        [NvmlReturn.VgpuEccNotSupported] = ("NVML_ERROR_VGPU_ECC_NOT_SUPPORTED", "the vGPU operation is not available because ECC is enabled"),
        [NvmlReturn.InsufficientResources] = ("NVML_ERROR_INSUFFICIENT_RESOURCES", "ran out of critical resources other than memory"),
        [NvmlReturn.FreqNotSupported] = ("NVML_ERROR_FREQ_NOT_SUPPORTED", "the frequency is not supported"),
        [NvmlReturn.ArgumentVersionMismatch] = ("NVML_ERROR_ARGUMENT_VERSION_MISMATCH", "the provided struct version is invalid or unsupported"),
        [NvmlReturn.Deprecated] = ("NVML_ERROR_DEPRECATED", "the requested functionality has been deprecated"),
        [NvmlReturn.NotReady] = ("NVML_ERROR_NOT_READY", "the system is not ready for the request"),
        [NvmlReturn.Unknown] = ("NVML_ERROR_UNKNOWN", "an internal driver error occurred"),
    };

    /// <summary>One line naming the code and what it means, e.g. <c>NVML_ERROR_GPU_IS_LOST (15): the GPU has fallen off ...</c>.</summary>
    public static string Describe(NvmlReturn code) =>
        Table.TryGetValue(code, out var entry)
            ? string.Create(CultureInfo.InvariantCulture, $"{entry.Symbol} ({(int)code}): {entry.Meaning}")
            : string.Create(CultureInfo.InvariantCulture, $"unknown NVML return code {(int)code}");
}
