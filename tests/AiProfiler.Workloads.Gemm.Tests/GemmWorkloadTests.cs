using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Workloads.Gemm.Tests;

public sealed class GemmWorkloadTests : IDisposable
{
    private static readonly CpuDeviceProvider Provider = new();
    private readonly IDevice _cpu = Provider.Open(0);
    private readonly GemmWorkload _gemm = new();

    public void Dispose() => _cpu.Dispose();

    [Theory]
    [InlineData("m=1,n=1,k=1")]
    [InlineData("m=33,n=17,k=129")]
    [InlineData("m=64,n=48,k=20,trans_a=true")]
    [InlineData("m=20,n=30,k=40,trans_b=true,alpha=0.5,beta=2")]
    [InlineData("m=9,n=7,k=5,batch=6,trans_a=true,trans_b=true,beta=-1")]
    [InlineData("m=300,n=200,k=100")]
    public void Verify_AfterRepeatedIterations_Passes(string parameters)
    {
        using var prepared = _gemm.Prepare(_cpu, Parse(parameters));
        var context = new IterationContext(CancellationToken.None, [], isWarmup: false);

        prepared.Run(context);
        prepared.Run(context);
        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
    }

    [Fact]
    public void Verify_WrongProduct_Fails()
    {
        using var device = ScaledGemmDevice(_cpu, 1.001f);
        using var prepared = _gemm.Prepare(device, Parse("m=64,n=64,k=64"));

        var result = prepared.Verify();

        Assert.False(result.Passed);
        Assert.Contains("out of tolerance", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost_IsTwoMnkFlopsAndEachMatrixOnce()
    {
        using var prepared = _gemm.Prepare(_cpu, Parse("m=100,n=200,k=300,batch=2"));

        Assert.Equal(2.0 * 100 * 200 * 300 * 2, prepared.Cost.Flops);
        Assert.Equal(4.0 * ((100 * 300) + (300 * 200) + (100 * 200)) * 2, prepared.Cost.Bytes);
        Assert.Equal(2, prepared.Cost.Items);
        Assert.Equal("M=100 N=200 K=300 x2 fp32", prepared.Shape);
        Assert.Equal(_cpu.Ops.GemmImplementation, prepared.Implementation);
    }

    [Fact]
    public void EstimateMemoryBytes_CountsEveryBuffer()
    {
        Assert.Equal(4L * ((1000 * 10) + (10 * 2000) + (1000 * 2000)) * 3, _gemm.EstimateMemoryBytes(Parse("m=1000,n=2000,k=10,batch=3")));
    }

    [Theory]
    [InlineData("fp16")]
    [InlineData("bf16")]
    public void Prepare_HalfPrecisionOnCpu_RefusesNamingTheFix(string precision)
    {
        var error = Assert.Throws<NotSupportedException>(() => _gemm.Prepare(_cpu, Parse($"m=8,n=8,k=8,precision={precision}")));

        Assert.Equal($"precision {precision} is not supported on device 'cpu'; use fp32", error.Message);
    }

    [Theory]
    [InlineData("m=33,n=17,k=129,precision=fp16", "M=33 N=17 K=129 fp16")]
    [InlineData("m=20,n=30,k=40,batch=2,trans_b=true,beta=0.5,precision=bf16", "M=20 N=30 K=40 x2 Bᵀ bf16")]
    [InlineData("m=64,n=64,k=1024,precision=fp16", "M=64 N=64 K=1024 fp16")]
    public void Verify_HalfPrecisionOnADeviceThatSupportsIt_Passes(string parameters, string shape)
    {
        using var device = HalfGemmDevice(_cpu, 1f);
        using var prepared = _gemm.Prepare(device, Parse(parameters));

        prepared.Run(new IterationContext(CancellationToken.None, [], isWarmup: false));
        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.Equal(shape, prepared.Shape);
    }

    [Fact]
    public void Verify_HalfPrecisionProductOffByOnePercent_Fails()
    {
        using var device = HalfGemmDevice(_cpu, 1.01f);
        using var prepared = _gemm.Prepare(device, Parse("m=64,n=64,k=64,precision=bf16"));

        var result = prepared.Verify();

        Assert.False(result.Passed);
        Assert.Contains("out of tolerance", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost_Fp16_CountsTwoBytesPerElement()
    {
        using var device = HalfGemmDevice(_cpu, 1f);
        using var prepared = _gemm.Prepare(device, Parse("m=100,n=200,k=300,precision=fp16"));

        Assert.Equal(2.0 * ((100 * 300) + (300 * 200) + (100 * 200)), prepared.Cost.Bytes);
        Assert.Equal(2.0 * 100 * 200 * 300, prepared.Cost.Flops);
    }

    [Fact]
    public void EstimateHostMemoryBytes_Batch64Of4096_CountsTheFp32CopiesAndTheReadBack()
    {
        // The case that passed the device check with 12 GiB and then grew to 21 GB RSS: A and B kept for the reference
        // and C read back in verification are another 12 GiB of the same host memory.
        Assert.Equal(12L << 30, _gemm.EstimateHostMemoryBytes(Parse("m=4096,n=4096,k=4096,batch=64")));
        Assert.Equal(4L * ((1000 * 10) + (10 * 2000) + (2 * 1000 * 2000)) * 3, _gemm.EstimateHostMemoryBytes(Parse("m=1000,n=2000,k=10,batch=3,beta=0.5,precision=bf16")));
    }

    [Fact]
    public void EstimateMemoryBytes_Bf16_CountsHalfBuffersAndTheFp32Staging()
    {
        Assert.Equal((2L * ((1000 * 10) + (10 * 2000) + (1000 * 2000)) * 3) + (4L * 1000 * 2000 * 3), _gemm.EstimateMemoryBytes(Parse("m=1000,n=2000,k=10,batch=3,precision=bf16")));
    }

    [Theory]
    [InlineData("m=0", "parameter 'm' of workload 'gemm' is 0, outside integer 1..65536")]
    [InlineData("k=ten", "parameter 'k' of workload 'gemm' must be an integer, got 'ten'; accepted: integer 1..65536")]
    [InlineData("precision=fp64", "parameter 'precision' of workload 'gemm' is 'fp64', not one of fp32|fp16|bf16")]
    [InlineData("mm=3", "unknown parameter 'mm' for workload 'gemm'; known: m, n, k, batch, trans_a, trans_b, alpha, beta, precision")]
    public void Parameters_BadValue_ClearMessage(string parameters, string message)
    {
        var error = Assert.Throws<ParameterException>(() => Parse(parameters));

        Assert.Equal(message, error.Message);
    }

    private ParameterSet Parse(string text) => ParameterSet.Create(_gemm.Name, _gemm.Parameters,
        text.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]));

    /// <summary>A device whose GEMM is subtly wrong, to prove verification notices.</summary>
    private static InterceptingDevice ScaledGemmDevice(IDevice inner, float factor) =>
        new InterceptingDevice(inner, ownsInner: false).Intercept(nameof(ITensorOps.Gemm), (args, forward) =>
        {
            var g = (GemmDescriptor)args[0]!;
            args[0] = g with { Alpha = g.Alpha * factor };
            return forward();
        });

    /// <summary>
    /// A CPU device that claims fp16 and bf16 GEMM and runs it the way the contract describes: inputs widened to fp32,
    /// accumulated in fp32 (optionally scaled wrong), the result rounded back to the buffer's type.
    /// </summary>
    private static InterceptingDevice HalfGemmDevice(IDevice inner, float factor) =>
        new InterceptingDevice(inner, ownsInner: false)
            .Intercept(nameof(ITensorOps.SupportsGemm), (args, _) => (DataType)args[0]! != DataType.Int32)
            .Intercept(nameof(ITensorOps.Gemm), (args, _) =>
            {
                var g = (GemmDescriptor)args[0]!;
                var (a, b, c) = ((IDeviceBuffer)args[1]!, (IDeviceBuffer)args[2]!, (IDeviceBuffer)args[3]!);
                using var a32 = Widen(inner, a);
                using var b32 = Widen(inner, b);
                using var c32 = Widen(inner, c);
                inner.Ops.Gemm(g with { Type = DataType.Float32, Alpha = g.Alpha * factor }, a32, b32, c32);
                inner.Ops.Convert(c32, c, c.Length);
                return null;
            });

    private static IDeviceBuffer Widen(IDevice device, IDeviceBuffer half)
    {
        var wide = device.Allocate(half.Length);
        device.Ops.Convert(half, wide, half.Length);
        return wide;
    }
}
