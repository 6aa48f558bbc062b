using AiProfiler.Backends.Ilgpu.Kernels;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>The rotary kernel's sine and cosine: fp32-exact far beyond the range PTX's approximations hold.</summary>
public sealed class AccurateTrigTests
{
    public static TheoryData<float> Angles() =>
        new(0f, 1e-30f, 0.5f, -0.7853982f, 1.5707964f, 2f, -3.1415927f, 1000f, 4001f, -32767f, 65521f, 100003f, 1048573f);

    [Theory]
    [MemberData(nameof(Angles))]
    public void SinCos_WithinOneFp32UlpOfFloat64(float angle)
    {
        // Correctly rounded fp32 is within half an ulp; one ulp at magnitude 1 (2^-23) leaves room for the fp64 series.
        var ulp = Math.ScaleB(1, -23);

        Assert.True(Math.Abs(AccurateTrig.Sin(angle) - Math.Sin(angle)) <= ulp, $"sin({angle}) = {AccurateTrig.Sin(angle)} vs {Math.Sin(angle)}");
        Assert.True(Math.Abs(AccurateTrig.Cos(angle) - Math.Cos(angle)) <= ulp, $"cos({angle}) = {AccurateTrig.Cos(angle)} vs {Math.Cos(angle)}");
    }

    [Fact]
    public void SinCos_ManyRandomAnglesUpTo200kRad_WithinOneFp32Ulp()
    {
        var random = new Random(5);
        var worst = 0.0;
        for (var i = 0; i < 20000; i++)
        {
            var angle = (float)((random.NextDouble() - 0.5) * 4e5);
            worst = Math.Max(worst, Math.Max(Math.Abs(AccurateTrig.Sin(angle) - Math.Sin(angle)), Math.Abs(AccurateTrig.Cos(angle) - Math.Cos(angle))));
        }

        Assert.True(worst <= Math.ScaleB(1, -23), $"worst error {worst}");
    }
}
