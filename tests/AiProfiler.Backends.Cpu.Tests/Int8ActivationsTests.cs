using System.Runtime.Intrinsics.X86;
using Xunit;

namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>x's side of the 512-bit Q4_0 GEMV, built once per call: the kernel's speed depends on it being there.</summary>
public sealed unsafe class Int8ActivationsTests
{
    /// <summary>
    /// One row of 5 blocks: one step of four (the fifth block is the kernel's tail), each entry where the kernel reads
    /// it: block j's first and second 16 values in 128-bit lane j of the two halves, d_j·2¹¹² and −8·Σq_j in lanes
    /// j, 4 + j, 8 + j and 12 + j.
    /// </summary>
    [Fact]
    public void PrepareQ4Steps_OneRow_LaysOutEachBlockWhereTheKernelReadsIt()
    {
        Assert.SkipUnless(Avx512BW.IsSupported, "this CPU lacks AVX-512BW");
        var x = Reference.Random(5 * 32, 7);
        fixed (float* px = x)
        {
            using var quantized = new Int8Activations(px, 1, x.Length);
            quantized.PrepareQ4Steps();
            Assert.True(quantized.Steps != null, "one row on AVX-512BW must get the 512-bit kernel's steps");
            var step = quantized.Steps;
            for (var j = 0; j < 4; j++)
            {
                for (var i = 0; i < 16; i++)
                {
                    Assert.Equal(quantized.Values[(j * 32) + i], ((sbyte*)step)[(j * 16) + i]);
                    Assert.Equal(quantized.Values[(j * 32) + 16 + i], ((sbyte*)step)[64 + (j * 16) + i]);
                }

                for (var r = 0; r < 4; r++)
                {
                    Assert.Equal(quantized.Scales[j] * MathF.Pow(2, 112), ((float*)(step + 128))[(4 * r) + j]);
                    Assert.Equal(-8f * quantized.IntSums[j], ((float*)(step + 192))[(4 * r) + j]);
                }
            }
        }
    }

    /// <summary>Two rows, fewer than four blocks, or a value whose block scale d·2¹¹² would overflow: no steps, the exact kernel.</summary>
    [Theory]
    [InlineData(2, 128, 1f)]
    [InlineData(1, 96, 1f)]
    [InlineData(1, 128, 1e7f)]
    public void PrepareQ4Steps_WhereTheShortcutDoesNotApply_BuildsNothing(int rows, int inputs, float peak)
    {
        var x = Reference.Random(rows * inputs, 8);
        x[3] = peak;
        fixed (float* px = x)
        {
            using var quantized = new Int8Activations(px, rows, inputs);
            quantized.PrepareQ4Steps();
            Assert.True(quantized.Steps == null);
        }
    }
}
