using AiProfiler.Backends.Cuda.Kernels;

namespace AiProfiler.Backends.Cuda.Tests.Kernels;

public sealed class NvrtcOptionsTests
{
    [Theory]
    [InlineData(75, "--gpu-architecture=compute_75")]
    [InlineData(86, "--gpu-architecture=compute_86")]
    [InlineData(90, "--gpu-architecture=compute_90")]
    [InlineData(120, "--gpu-architecture=compute_120")]
    public void Build_ComputeCapability_TargetsItsVirtualArchitecture(int architecture, string expected) =>
        Assert.Equal(new[] { expected }, NvrtcOptions.Build(architecture, null));

    [Fact]
    public void Build_CallerOptions_FollowTheArchitectureOneByOne() =>
        Assert.Equal(new[] { "--gpu-architecture=compute_80", "-DTILE=16", "--use_fast_math" }, NvrtcOptions.Build(80, "  -DTILE=16\t--use_fast_math "));

    [Fact]
    public void ChooseArchitecture_NvrtcKnowsTheDevice_UsesIt() =>
        Assert.Equal(89, NvrtcOptions.ChooseArchitecture(89, [75, 80, 86, 89, 90]));

    [Fact]
    public void ChooseArchitecture_DeviceNewerThanNvrtc_UsesTheNewestBelow() =>
        // PTX for compute_90 is JIT-compiled by the driver for a 12.0 device.
        Assert.Equal(90, NvrtcOptions.ChooseArchitecture(120, [75, 80, 86, 89, 90]));

    [Fact]
    public void ChooseArchitecture_NvrtcCouldNotSay_UsesTheDevice() =>
        Assert.Equal(86, NvrtcOptions.ChooseArchitecture(86, []));

    [Fact]
    public void ChooseArchitecture_DeviceOlderThanNvrtc_SaysSo()
    {
        var error = Assert.Throws<NotSupportedException>(() => NvrtcOptions.ChooseArchitecture(35, [50, 60, 70]));
        Assert.Equal("NVRTC supports architectures from sm_50 but the device is sm_35; use an NVRTC that still supports this device", error.Message);
    }

    [Fact]
    public void ComposeSource_PutsThePreludeFirstAndRestartsLineNumbersAtTheSource()
    {
        var text = NvrtcOptions.ComposeSource("#define KERNEL extern \"C\" __global__\n", "KERNEL void f() {}", "kernel.cu");
        var lines = text.Split('\n');
        Assert.Equal("#define KERNEL extern \"C\" __global__", lines[0]);
        Assert.Equal("#line 1 \"kernel.cu\"", lines[^2]);
        Assert.Equal("KERNEL void f() {}", lines[^1]);
    }
}
