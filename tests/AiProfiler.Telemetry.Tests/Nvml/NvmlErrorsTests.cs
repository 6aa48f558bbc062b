using AiProfiler.Telemetry.Nvml;

namespace AiProfiler.Telemetry.Tests.Nvml;

public sealed class NvmlErrorsTests
{
    [Theory]
    [InlineData(0, "NVML_SUCCESS (0): the operation was successful")]
    [InlineData(3, "NVML_ERROR_NOT_SUPPORTED (3): the requested operation is not available on the target device")]
    [InlineData(4, "NVML_ERROR_NO_PERMISSION (4): the current user does not have permission for the operation")]
    [InlineData(9, "NVML_ERROR_DRIVER_NOT_LOADED (9): the NVIDIA driver is not loaded")]
    [InlineData(12, "NVML_ERROR_LIBRARY_NOT_FOUND (12): the NVML shared library could not be found or loaded")]
    [InlineData(15, "NVML_ERROR_GPU_IS_LOST (15): the GPU has fallen off the bus or has otherwise become inaccessible")]
    [InlineData(18, "NVML_ERROR_LIB_RM_VERSION_MISMATCH (18): the driver and the NVML library versions do not match")]
    [InlineData(25, "NVML_ERROR_ARGUMENT_VERSION_MISMATCH (25): the provided struct version is invalid or unsupported")]
    [InlineData(27, "NVML_ERROR_NOT_READY (27): the system is not ready for the request")]
    [InlineData(999, "NVML_ERROR_UNKNOWN (999): an internal driver error occurred")]
    public void Describe_KnownCode_NamesSymbolNumberAndMeaning(int code, string expected)
    {
        Assert.Equal(expected, NvmlErrors.Describe((NvmlReturn)code));
    }

    [Fact]
    public void Describe_EveryDeclaredCode_HasItsOwnEntry()
    {
        foreach (var code in Enum.GetValues<NvmlReturn>())
        {
            Assert.DoesNotContain("unknown NVML return code", NvmlErrors.Describe(code), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Describe_CodeFromANewerDriver_SaysUnknownWithTheNumber()
    {
        Assert.Equal("unknown NVML return code 28", NvmlErrors.Describe((NvmlReturn)28));
    }
}
