using AiProfiler.Abstractions.Devices;
using AiProfiler.Testing;

namespace AiProfiler.Abstractions.Tests.Devices;

/// <summary>Allocate, Write and Read report the same mistake with the same message on every backend (<see cref="DeviceBase"/>).</summary>
[Collection(TestDevices.SharedOpenClCollection)]
public sealed class DeviceBaseTests
{
    public static TheoryData<string> Backends => BackendDevices.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Write_SpanOfAnotherElementSize_NamesBothSizes(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var buffer = device.Allocate(4, DataType.Float16);

        var error = Assert.Throws<ArgumentException>(() => device.Write<float>(buffer, [1f]));

        Assert.Equal(
            "buffer 'destination' holds fp16 (2 bytes each) but the span's elements have 4 bytes; use a span of a matching type (Parameter 'destination')",
            error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Read_PastTheEnd_NamesTheRange(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var buffer = device.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => device.Read<float>(buffer, new float[3], offset: 2));

        Assert.Equal("buffer 'source' holds 4 elements but elements 2 to 5 were asked for; check the offset and count (Parameter 'source')", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Write_BufferOfAnotherDevice_NamesBothDevices(string backend)
    {
        var device = BackendDevices.Get(backend);
        var other = BackendDevices.Other(backend);
        using var foreign = other.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => device.Write<float>(foreign, [1f]));

        Assert.Equal(
            $"buffer 'destination' belongs to device '{other.Info.Id}', not to '{device.Info.Id}'; allocate it on this device (Parameter 'destination')",
            error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Allocate_MoreThanIsFree_NamesTheSizeTheDeviceAndTheFix(string backend)
    {
        var device = BackendDevices.Get(backend);

        var error = Assert.Throws<InsufficientDeviceMemoryException>(() => device.Allocate(1L << 50));

        Assert.Equal(4L << 50, error.RequestedBytes);
        Assert.Equal(
            $"needs 4 PiB but device '{device.Info.Id}' has {InsufficientDeviceMemoryException.FormatBytes(error.AvailableBytes)} free; choose smaller sizes or another device",
            error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Allocate_NegativeLength_Throws(string backend)
    {
        var device = BackendDevices.Get(backend);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => device.Allocate(-1));

        Assert.Equal("length", error.ParamName);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Write_AfterTheDeviceIsDisposed_ThrowsObjectDisposed(string backend)
    {
        var device = backend == "cpu" ? TestDevices.Cpu() : TestDevices.NewOpenCl();
        var buffer = device.Allocate(4);
        device.Dispose();

        Assert.Throws<ObjectDisposedException>(() => device.Write<float>(buffer, [1f]));
        Assert.Throws<ObjectDisposedException>(() => device.Allocate(4));
    }
}
