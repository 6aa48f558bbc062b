using System.Runtime.Intrinsics.X86;
using Xunit;

namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>
/// x quantized per block or per super-block (the k-quants' kernels read one d_x per 256 values), and x's side of the
/// 512-bit Q4_0 GEMV, built once per call: the kernel's speed depends on it being there.
/// </summary>
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

    /// <summary>
    /// Per super-block, the eight blocks of each 256 values share d = max|x|/127 over the 256 (one block holding a
    /// much larger value than the others sets it for all eight), every value is round(x/d), and the sums kept per block
    /// and half block use that d; per block of 32 each block has its own d.
    /// </summary>
    [Theory]
    [InlineData(32)]
    [InlineData(256)]
    public void Constructor_EachGroupOfValues_SharesOneScale(int group)
    {
        const int rows = 3, inputs = 512;
        var x = Reference.Random(rows * inputs, 9);
        x[300] = 40f;
        x[1000] = -25f;
        fixed (float* px = x)
        {
            using var quantized = new Int8Activations(px, rows, inputs, group);
            Assert.Equal(group, quantized.Group);
            for (var b = 0; b < rows * inputs / 32; b++)
            {
                var start = b * 32 / group * group;
                var d = x.AsSpan(start, group).ToArray().Max(MathF.Abs) / 127f;
                Assert.Equal(d, quantized.Scales[b]);
                int low = 0, high = 0;
                for (var i = 0; i < 32; i++)
                {
                    var q = quantized.Values[(b * 32) + i];
                    Assert.Equal(MathF.Round(x[(b * 32) + i] * (1f / d)), q);
                    if (i < 16)
                    {
                        low += q;
                    }
                    else
                    {
                        high += q;
                    }
                }

                Assert.Equal(low + high, quantized.IntSums[b]);
                Assert.Equal(d * (low + high), quantized.Sums[b]);
                Assert.Equal(d * low, quantized.HalfSums[2 * b]);
                Assert.Equal(d * high, quantized.HalfSums[(2 * b) + 1]);
                Assert.Equal(low, quantized.HalfIntSums[2 * b]);
                Assert.Equal(high, quantized.HalfIntSums[(2 * b) + 1]);
            }

            // The blocks around the large values: per block only theirs is coarse, per super-block all eight are.
            Assert.Equal(group == 256, quantized.Scales[8] == quantized.Scales[9]);
        }
    }

    [Theory]
    [InlineData(64, 512)]
    [InlineData(256, 384)]
    public void Constructor_GroupThatIsNotABlockOrSuperBlockOfTheRow_IsRefusedWithTheReason(int group, int inputs)
    {
        var x = new float[inputs];
        fixed (float* px = x)
        {
            var p = (nint)px;
            var error = Assert.Throws<ArgumentException>(() => new Int8Activations((float*)p, 1, inputs, group));
            Assert.Contains($"must be 32 or 256 and divide the row length {inputs}; got {group}", error.Message);
        }
    }
}
