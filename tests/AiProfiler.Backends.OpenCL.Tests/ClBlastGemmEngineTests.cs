using AiProfiler.Abstractions.Devices;
using AiProfiler.Kernels.Tests;

namespace AiProfiler.Backends.OpenCL.Tests;

/// <summary>CLBlast through the hand-written bindings, on the same GEMM cases as the tiled kernel.</summary>
[Collection(OpenClDeviceGroup.Name)]
public sealed class ClBlastGemmEngineTests
{
    private readonly OpenClFixture _fixture;

    public ClBlastGemmEngineTests(OpenClFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [MemberData(nameof(GemmCases.Names), MemberType = typeof(GemmCases))]
    public void Gemm_Fp32Shape_MatchesCpu(string shape)
    {
        Assert.Equal("clblast", _fixture.Device.Ops.GemmImplementation);
        GemmCases.AssertMatchesCpu(_fixture.Device, _fixture.Cpu, GemmCases.All[shape], shape.Length);
    }

    [Fact]
    public void Gemm_Fp16_IsRefusedNamingTheEngine()
    {
        using var set = new TensorSet(_fixture.Device).Zeros("x", 4, DataType.Float16);

        var error = Assert.Throws<NotSupportedException>(() =>
            _fixture.Device.Ops.Gemm(new GemmDescriptor { M = 2, N = 2, K = 1, Type = DataType.Float16 }, set["x"], set["x"], set["x"]));

        Assert.Equal($"GEMM in fp16 is not supported by clblast on device '{_fixture.Device.Info.Id}'; use fp32 or another device", error.Message);
    }
}
