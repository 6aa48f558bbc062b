using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Cuda.Kernels;

namespace AiProfiler.Backends.Cuda.Tests.Kernels;

public sealed class LaunchGeometryTests
{
    [Fact]
    public void From_GlobalAndLocal_GridIsGlobalOverLocal() =>
        Assert.Equal(new LaunchGeometry(4, 3, 1, 256, 2, 1), LaunchGeometry.From(new KernelRange(1024, 6), new KernelRange(256, 2), 1024));

    [Fact]
    public void From_GlobalNotAMultiple_NamesTheDimensionAndTheFix()
    {
        var error = Assert.Throws<ArgumentException>(() => LaunchGeometry.From(new KernelRange(1000), new KernelRange(256), 1024));
        Assert.Equal("dimension 0: global size 1000 is not a multiple of local size 256; round it up with KernelRange.RoundUp", error.Message);
    }

    [Fact]
    public void From_BlockLargerThanTheDevice_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => LaunchGeometry.From(new KernelRange(2048, 2), new KernelRange(1024, 2), 1024));
        Assert.Equal("local size 2048 exceeds the device's 1024 threads per block; use a smaller local size", error.Message);
    }

    [Fact]
    public void From_NoWork_IsEmpty() =>
        Assert.True(LaunchGeometry.From(new KernelRange(0), new KernelRange(64), 1024).IsEmpty);
}
