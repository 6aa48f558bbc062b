using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Attention.Tests;

[Collection(TestDevices.SharedOpenClCollection)]
public sealed class AttentionWorkloadTests
{
    private readonly AttentionWorkload _workload = new();

    [Theory]
    [InlineData("fused", false, "auto")]
    [InlineData("fused", true, "auto")]
    [InlineData("naive", false, "auto")]
    [InlineData("naive", true, "auto")]
    [InlineData("naive", true, "simd")]
    public void Verify_SmallShape_MatchesDoublePrecisionReference(string variant, bool causal, string gemm)
    {
        using var device = TestDevices.Cpu(gemm);
        using var prepared = _workload.Prepare(device, Parameters(("batch", "2"), ("heads", "3"), ("seq", "29"), ("head_dim", "16"), ("causal", causal ? "true" : "false"), ("variant", variant)));

        prepared.Run(Context());
        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.True(result.MaxError < 1e-5, result.Detail);
        Assert.Contains("over 29 rows of 5 heads", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fused", false)]
    [InlineData("fused", true)]
    [InlineData("naive", true)]
    public void Verify_OnOpenCl_MatchesDoublePrecisionReference(string variant, bool causal)
    {
        var device = TestDevices.OpenCl();
        using var prepared = _workload.Prepare(device, Parameters(("batch", "2"), ("heads", "2"), ("seq", "45"), ("head_dim", "32"), ("causal", causal ? "true" : "false"), ("variant", variant)));

        prepared.Run(Context());
        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.True(result.MaxError < 1e-5, result.Detail);
    }

    [Fact]
    public void Verify_LongSequence_ChecksASampleOfRowsAndHeads()
    {
        using var device = TestDevices.Cpu();
        using var prepared = _workload.Prepare(device, Parameters(("batch", "2"), ("heads", "4"), ("seq", "300"), ("head_dim", "8"), ("causal", "true")));

        prepared.Run(Context());
        var result = prepared.Verify();

        Assert.True(result.Passed, result.Detail);
        Assert.Contains("over 32 rows of 5 heads", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CorruptedOutputRow_Fails()
    {
        using var device = TestDevices.Cpu();
        using var prepared = (PreparedAttention)_workload.Prepare(device, Parameters(("batch", "1"), ("heads", "2"), ("seq", "16"), ("head_dim", "8")));
        prepared.Run(Context());

        device.Write<float>(prepared.Output, [0.5f], 8 * 5);
        var result = prepared.Verify();

        Assert.False(result.Passed);
        Assert.StartsWith("max absolute error", result.Detail, StringComparison.Ordinal);
        Assert.Contains("> 1e-3", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fused")]
    [InlineData("naive")]
    public void Prepare_AllocatesExactlyTheEstimateAndDisposeReleasesIt(string variant)
    {
        using var device = TestDevices.Cpu();
        var parameters = Parameters(("batch", "2"), ("heads", "2"), ("seq", "64"), ("head_dim", "16"), ("variant", variant));

        var prepared = _workload.Prepare(device, parameters);
        var allocated = device.AllocatedBytes;
        prepared.Dispose();

        Assert.Equal(_workload.EstimateMemoryBytes(parameters), allocated);
        Assert.Equal(0, device.AllocatedBytes);
    }

    [Fact]
    public void EstimateMemoryBytes_DoubledSequence_GrowsLinearlyWhenFusedAndQuadraticallyWhenNaive()
    {
        long Estimate(string variant, int seq) =>
            _workload.EstimateMemoryBytes(Parameters(("heads", "8"), ("seq", seq.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("head_dim", "64"), ("variant", variant)));

        Assert.Equal(32L << 20, Estimate("fused", 4096));
        Assert.Equal(2 * Estimate("fused", 2048), Estimate("fused", 4096));
        Assert.Equal((32L << 20) + (8L * 4096 * 4096 * 4), Estimate("naive", 4096));
    }

    [Fact]
    public void Prepare_RowsBeyondInt32_ThrowsParameterException()
    {
        using var device = TestDevices.Cpu();

        var error = Assert.Throws<ParameterException>(() => _workload.Prepare(device, Parameters(("batch", "4096"), ("heads", "256"), ("seq", "4096"))));

        Assert.Equal("attention with batch·heads·seq = 4294967296 rows exceeds 2147483647; choose a smaller batch, heads or seq", error.Message);
    }

    [Fact]
    public void Prepare_Shape_DescribesSizesMaskAndVariant()
    {
        using var device = TestDevices.Cpu();
        using var fused = _workload.Prepare(device, Parameters(("seq", "32"), ("causal", "true")));
        using var naive = _workload.Prepare(device, Parameters(("seq", "32"), ("variant", "naive")));

        Assert.Equal("B=1 H=8 N=32 d=64 causal fused fp32", fused.Shape);
        Assert.Equal("fused", fused.Implementation);
        Assert.Equal(device.Ops.GemmImplementation, naive.Implementation);
    }

    private static IterationContext Context() => new(CancellationToken.None, [], isWarmup: false);

    private ParameterSet Parameters(params (string Name, string Value)[] values) =>
        ParameterSet.Create(_workload.Name, _workload.Parameters, values.ToDictionary(v => v.Name, v => v.Value));
}
