using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.OpenCL.Tests;

[Collection(OpenClDeviceGroup.Name)]
public sealed class OpenClDeviceProviderTests
{
    private readonly OpenClFixture _fixture;

    public OpenClDeviceProviderTests(OpenClFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void Discover_WithPoclInstalled_ListsThePoclCpuDevice()
    {
        var discovery = _fixture.Provider.Discover();

        Assert.Null(discovery.UnavailableReason);
        if (!discovery.Devices.Any(d => d.Vendor == "Portable Computing Language"))
        {
            // test.sh installs PoCL; a machine with only a GPU's OpenCL (an NVIDIA H200 once) has none to show.
            Assert.Skip($"PoCL is not installed here; the OpenCL devices are {string.Join(", ", discovery.Devices.Select(d => $"{d.Name} ({d.Vendor})"))}");
        }

        var pocl = Assert.Single(discovery.Devices, d => d.Vendor == "Portable Computing Language");
        Assert.Equal(DeviceKind.OpenCL, pocl.Kind);
        Assert.StartsWith("opencl:", pocl.Id, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(pocl.Name));
        Assert.False(string.IsNullOrWhiteSpace(pocl.DriverVersion));
        Assert.True(pocl.MemoryBytes > 0);
        Assert.True(pocl.ComputeUnits > 0);
        Assert.True(pocl.ClockHz > 0);
        Assert.True(pocl.PeakFlopsPerSecond >= pocl.ComputeUnits * pocl.ClockHz * 2, "at least one FMA lane per unit");
        Assert.Contains("CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT", pocl.PeakSource, StringComparison.Ordinal);
        Assert.Contains("bandwidth is not reported by OpenCL", pocl.PeakSource, StringComparison.Ordinal);
        Assert.True(pocl.SharesHostMemory, "PoCL's buffers are host memory: the memory check must add a run's host copies to them");
    }

    [Fact]
    public void Discover_ManyDevices_NumbersThemInOrder()
    {
        var ids = _fixture.Provider.Discover().Devices.Select(d => d.Id);

        Assert.Equal(ids.Select((_, i) => $"opencl:{i}"), ids);
    }

    [Fact]
    public void Discover_CalledTwice_ReturnsTheSameResult()
    {
        Assert.Same(_fixture.Provider.Discover(), _fixture.Provider.Discover());
    }

    [Fact]
    public void Identity_IsTheOpenClFamily()
    {
        Assert.Equal("opencl", _fixture.Provider.Prefix);
        Assert.Equal(DeviceKind.OpenCL, _fixture.Provider.Kind);
    }

    [Fact]
    public void Open_IndexPastTheDevices_ThrowsNamingTheCount()
    {
        var count = _fixture.Provider.Discover().Devices.Count;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _fixture.Provider.Open(count));

        Assert.StartsWith($"there is no device opencl:{count}; this host has {count} OpenCL device(s), see `aiprofiler devices`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TwiceAndDisposedTwice_ReleasesCleanly()
    {
        var first = _fixture.Provider.Open(0);
        var second = _fixture.Provider.Open(0);
        using (var buffer = second.Allocate(4))
        {
            second.Write<float>(buffer, [1f, 2f, 3f, 4f]);
        }

        first.Dispose();
        first.Dispose();
        second.Dispose();

        Assert.Throws<ObjectDisposedException>(() => first.Allocate(1));
    }
}
