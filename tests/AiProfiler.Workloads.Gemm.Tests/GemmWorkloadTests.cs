using System.Reflection;
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
        using var device = new ScaledGemmDevice(_cpu, 1.001f);
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
    [InlineData("m=0", "parameter 'm' of workload 'gemm' is 0, outside integer 1..65536")]
    [InlineData("k=ten", "parameter 'k' of workload 'gemm' must be an integer, got 'ten'; accepted: integer 1..65536")]
    [InlineData("precision=fp64", "parameter 'precision' of workload 'gemm' is 'fp64', not one of fp32")]
    [InlineData("mm=3", "unknown parameter 'mm' for workload 'gemm'; known: m, n, k, batch, trans_a, trans_b, alpha, beta, precision")]
    public void Parameters_BadValue_ClearMessage(string parameters, string message)
    {
        var error = Assert.Throws<ParameterException>(() => Parse(parameters));

        Assert.Equal(message, error.Message);
    }

    private ParameterSet Parse(string text) => ParameterSet.Create(_gemm.Name, _gemm.Parameters,
        text.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]));

    /// <summary>A device whose GEMM is subtly wrong, to prove verification notices.</summary>
    private sealed class ScaledGemmDevice(IDevice inner, float factor) : IDevice
    {
        public DeviceInfo Info => inner.Info;

        public long AvailableMemoryBytes => inner.AvailableMemoryBytes;

        public ITensorOps Ops { get; } = ScaledOps.Create(inner.Ops, factor);

        public AiProfiler.Abstractions.Kernels.IKernelCompiler? Kernels => null;

        public IDeviceBuffer Allocate(long length, DataType type = DataType.Float32) => inner.Allocate(length, type);

        public void Write<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset = 0)
            where T : unmanaged => inner.Write(destination, source, offset);

        public void Read<T>(IDeviceBuffer source, Span<T> destination, long offset = 0)
            where T : unmanaged => inner.Read(source, destination, offset);

        public IDeviceTimer CreateTimer() => inner.CreateTimer();

        public void Synchronize() => inner.Synchronize();

        public void Dispose()
        {
        }
    }

    public class ScaledOps : DispatchProxy
    {
        private ITensorOps _inner = null!;
        private float _factor;

        public static ITensorOps Create(ITensorOps inner, float factor)
        {
            var proxy = DispatchProxy.Create<ITensorOps, ScaledOps>();
            var self = (ScaledOps)(object)proxy;
            self._inner = inner;
            self._factor = factor;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(ITensorOps.Gemm))
            {
                var g = (GemmDescriptor)args![0]!;
                args[0] = g with { Alpha = g.Alpha * _factor };
            }

            return targetMethod.Invoke(_inner, args);
        }
    }
}
