using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels.Tests;

[Collection(DeviceCollection.Name)]
public sealed class TiledGemmEngineTests
{
    private readonly DeviceFixture _fixture;

    public TiledGemmEngineTests(DeviceFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void Name_OnTheTestDevice_IsTheGemmImplementation()
    {
        Assert.Equal("tiled-kernel", _fixture.OpenCl.Ops.GemmImplementation);
        Assert.Equal("tiled-kernel", new TiledGemmEngine(_fixture.OpenCl.Kernels!).Name);
    }

    [Theory]
    [MemberData(nameof(GemmCases.Names), MemberType = typeof(GemmCases))]
    public void Gemm_Fp32Shape_MatchesCpu(string shape) =>
        GemmCases.AssertMatchesCpu(_fixture.OpenCl, _fixture.Cpu, GemmCases.All[shape], shape.Length);

    [Theory]
    [InlineData(DataType.Float16, false, false)]
    [InlineData(DataType.Float16, true, true)]
    [InlineData(DataType.BFloat16, false, true)]
    [InlineData(DataType.BFloat16, true, false)]
    public void Gemm_HalfPrecisionInputs_AccumulatesInFp32AndRoundsTheResult(DataType type, bool transposeA, bool transposeB)
    {
        var g = new GemmDescriptor { M = 37, N = 70, K = 65, TransposeA = transposeA, TransposeB = transposeB, Alpha = 0.75f, Beta = 0.5f, Type = type };
        var device = _fixture.OpenCl;
        var a = Round(Approx.Random(1, (long)g.M * g.K), type);
        var b = Round(Approx.Random(2, (long)g.K * g.N), type);
        var c = Round(Approx.Random(3, (long)g.M * g.N), type);
        using var set = new TensorSet(device).Add("a", Bits(a, type), type).Add("b", Bits(b, type), type).Add("c", Bits(c, type), type);

        device.Ops.Gemm(g, set["a"], set["b"], set["c"]);

        var actual = set.ReadBits("c");
        for (var i = 0; i < g.M; i++)
        {
            for (var j = 0; j < g.N; j++)
            {
                double sum = 0;
                for (var k = 0; k < g.K; k++)
                {
                    var av = transposeA ? a[(k * g.M) + i] : a[(i * g.K) + k];
                    var bv = transposeB ? b[(j * g.K) + k] : b[(k * g.N) + j];
                    sum += (double)av * bv;
                }

                var expected = (float)((g.Alpha * sum) + (g.Beta * c[(i * g.N) + j]));
                var got = FromBits(actual[(i * g.N) + j], type);
                // One rounding to the 16-bit type: half an ulp of 2^-10 (fp16) or 2^-7 (bf16), relative.
                var ulp = type == DataType.Float16 ? 1.0 / 1024 : 1.0 / 128;
                Assert.True(Math.Abs(got - expected) <= (ulp * Math.Abs(expected)) + 1e-3, $"C[{i},{j}]: expected {expected}, got {got}");
            }
        }
    }

    [Fact]
    public void Gemm_Int32_IsNotSupported()
    {
        var engine = new TiledGemmEngine(_fixture.OpenCl.Kernels!);
        Assert.False(engine.Supports(DataType.Int32));
        using var set = new TensorSet(_fixture.OpenCl).Add("x", new int[4]);
        var error = Assert.Throws<NotSupportedException>(() =>
            engine.Gemm(new GemmDescriptor { M = 2, N = 2, K = 1, Type = DataType.Int32 }, set["x"], set["x"], set["x"]));
        Assert.Contains("i32", error.Message, StringComparison.Ordinal);
    }

    private static float[] Round(float[] values, DataType type) => Array.ConvertAll(values, v => FromBits(ToBits(v, type), type));

    private static ushort[] Bits(float[] values, DataType type) => Array.ConvertAll(values, v => ToBits(v, type));

    private static ushort ToBits(float value, DataType type) =>
        type == DataType.Float16 ? BitConverter.HalfToUInt16Bits((Half)value) : (ushort)ElementBits.ToBFloat16Bits(value);

    private static float FromBits(ushort bits, DataType type) =>
        type == DataType.Float16 ? (float)BitConverter.UInt16BitsToHalf(bits) : BitConverter.Int32BitsToSingle(bits << 16);
}
