using System.Text;
using AiProfiler.Telemetry.Nvml;

namespace AiProfiler.Telemetry.Tests.Nvml;

public sealed class NvmlNativeApiTests
{
    [Fact]
    public void Open_NoCandidateLoads_ReturnsReasonNamingTheFirst()
    {
        var result = NvmlNativeApi.Open(["libnvidia-ml-absent.so.1", "also-absent.so"]);

        Assert.Null(result.Api);
        Assert.Equal("libnvidia-ml-absent.so.1 not found (no NVIDIA driver)", result.Reason);
    }

    [Fact]
    public void Decode_NulTerminatedBuffer_StopsAtTheTerminator()
    {
        var buffer = new byte[32];
        Encoding.ASCII.GetBytes("00000000:17:00.0").CopyTo(buffer, 0);
        buffer[20] = (byte)'x';

        Assert.Equal("00000000:17:00.0", NvmlNativeApi.Decode(buffer));
    }

    [Fact]
    public void Decode_BufferWithoutTerminator_TakesItWhole()
    {
        Assert.Equal("GPU-1", NvmlNativeApi.Decode("GPU-1"u8));
    }
}
