using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL.Tests;

public sealed class ClErrorsTests
{
    [Theory]
    [InlineData(-54, "CL_INVALID_WORK_GROUP_SIZE")]
    [InlineData(-11, "CL_BUILD_PROGRAM_FAILURE")]
    [InlineData(-1001, "CL_PLATFORM_NOT_FOUND_KHR")]
    [InlineData(-9999, "CL error -9999")]
    public void Name_Code_IsTheHeadersName(int code, string name)
    {
        Assert.Equal(name, ClErrors.Name(code));
    }

    [Fact]
    public void OpenClException_FailedCall_NamesTheCallAndTheCode()
    {
        var error = new OpenClException("clCreateBuffer", -61);

        Assert.Equal("clCreateBuffer failed: CL_INVALID_BUFFER_SIZE (-61)", error.Message);
        Assert.Equal(-61, error.ErrorCode);
    }

    [Theory]
    [InlineData(-1017, "CLBlastInvalidDimension")]
    [InlineData(-2049, "CLBlastInvalidBatchCount")]
    [InlineData(-38, "CL_INVALID_MEM_OBJECT")]
    public void StatusName_ClBlastStatus_IsTheHeadersName(int status, string name)
    {
        Assert.Equal(name, ClBlastNative.StatusName(status));
    }
}
