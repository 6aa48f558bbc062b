using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Backends.OpenCL.Tests;

[Collection(OpenClDeviceGroup.Name)]
public sealed class OpenClDeviceTests
{
    private readonly OpenClFixture _fixture;

    public OpenClDeviceTests(OpenClFixture fixture)
    {
        _fixture = fixture;
    }

    private IDevice Device => _fixture.Device;

    [Fact]
    public void Allocate_AfterAFreedBufferHeldData_IsZeroFilled()
    {
        using (var used = Device.Allocate(4096))
        {
            Device.Write<float>(used, Enumerable.Repeat(7f, 4096).ToArray());
        }

        using var fresh = Device.Allocate(4096);
        var data = new float[4096];
        Device.Read<float>(fresh, data);

        Assert.All(data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void WriteRead_WithOffsets_RoundTrips()
    {
        using var buffer = Device.Allocate(10, DataType.Int32);
        Device.Write<int>(buffer, [1, 2, 3], offset: 4);

        var all = new int[10];
        Device.Read<int>(buffer, all);
        var part = new int[2];
        Device.Read<int>(buffer, part, offset: 5);

        Assert.Equal([0, 0, 0, 0, 1, 2, 3, 0, 0, 0], all);
        Assert.Equal([2, 3], part);
    }

    [Fact]
    public void Write_SpanOfAnotherElementSize_ThrowsNamingBoth()
    {
        using var buffer = Device.Allocate(4, DataType.Float16);

        var error = Assert.Throws<ArgumentException>(() => Device.Write<float>(buffer, [1f]));

        Assert.StartsWith("buffer 'destination' holds fp16 (2 bytes each) but the span's elements have 4 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PastTheEnd_ThrowsNamingTheRange()
    {
        using var buffer = Device.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => Device.Read<float>(buffer, new float[3], offset: 2));

        Assert.StartsWith("buffer 'source' holds 4 elements but elements 2 to 5 were asked for", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_MoreThanTheDeviceHas_RefusesBeforeAllocatingNamingSizeAndLimit()
    {
        var before = _fixture.OpenCl.AllocatedBytes;

        var error = Assert.Throws<InsufficientDeviceMemoryException>(() => Device.Allocate(1L << 40));

        Assert.Equal(4L << 40, error.RequestedBytes);
        Assert.Equal(Device.Info.Id, error.DeviceId);
        Assert.Matches(@"^needs 4 TiB but device 'opencl:\d+' has [\d.]+ [KMGT]?i?B free; choose smaller sizes or another device$", error.Message);
        Assert.Equal(before, _fixture.OpenCl.AllocatedBytes);
    }

    [Fact]
    public void Allocate_LargerThanOneBufferMayBe_RefusesNamingThePerBufferLimit()
    {
        var maxAllocation = _fixture.OpenCl.MaxAllocationBytes;
        var elements = (maxAllocation / 4) + 1;

        var error = Assert.Throws<InsufficientDeviceMemoryException>(() => Device.Allocate(elements));

        // Whichever limit is lower on this host is the one named.
        Assert.Matches(
            Device.AvailableMemoryBytes < elements * 4
                ? @"^needs .+ but device 'opencl:\d+' has .+ free; choose smaller sizes or another device$"
                : @"^needs .+ in one buffer but device 'opencl:\d+' allows at most .+ per buffer \(CL_DEVICE_MAX_MEM_ALLOC_SIZE\); choose smaller sizes or another device$",
            error.Message);
    }

    [Fact]
    public void Dispose_BufferTwice_ReleasesItOnce()
    {
        var before = _fixture.OpenCl.AllocatedBytes;
        var buffer = Device.Allocate(1000);
        Assert.Equal(before + 4000, _fixture.OpenCl.AllocatedBytes);

        buffer.Dispose();
        buffer.Dispose();

        Assert.Equal(before, _fixture.OpenCl.AllocatedBytes);
        Assert.Throws<ObjectDisposedException>(() => Device.Write<float>(buffer, [1f]));
    }

    [Fact]
    public void FailedRun_ThatThrows_ReleasesEveryBuffer()
    {
        var before = _fixture.OpenCl.AllocatedBytes;
        var kernel = Device.Kernels!.Compile("KERNEL void scale_by(GLOBAL float* x, float a) { x[GLOBAL_ID(0)] *= a; }", "scale_by");
        IDeviceBuffer? leaked = null;

        void Run()
        {
            using var x = Device.Allocate(64);
            using var y = Device.Allocate(8);
            leaked = x;
            Device.Ops.Softmax(x, y, 8, 8);
        }

        void NativeFailure()
        {
            using var x = Device.Allocate(64);
            kernel.Launch(new KernelRange(64), new KernelRange(64), KernelArgument.Of(x), KernelArgument.Of(2L));
        }

        Assert.Throws<ArgumentException>(Run);
        Assert.Throws<OpenClException>(NativeFailure);

        Assert.Equal(before, _fixture.OpenCl.AllocatedBytes);
        Assert.True(((OpenClBuffer)leaked!).Handle.IsClosed);
    }

    [Fact]
    public void Write_BufferOfAnotherDevice_ThrowsNamingIt()
    {
        using var foreign = _fixture.Cpu.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => Device.Write<float>(foreign, [1f]));

        Assert.StartsWith($"buffer 'destination' belongs to device 'cpu', not to '{Device.Info.Id}'; allocate it on this device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ops_WithClBlastInstalled_UseClBlastForFp32Only()
    {
        Assert.Equal("clblast", Device.Ops.GemmImplementation);
        Assert.True(Device.Ops.SupportsGemm(DataType.Float32));
        Assert.False(Device.Ops.SupportsGemm(DataType.Float16));
    }

    [Fact]
    public void Synchronize_AfterQueuedWork_LeavesResultsReadable()
    {
        using var buffer = Device.Allocate(1000);
        Device.Ops.Fill(buffer, 2.5f, 0, 1000);

        Device.Synchronize();

        var data = new float[1000];
        Device.Read<float>(buffer, data);
        Assert.All(data, v => Assert.Equal(2.5f, v));
    }
}
