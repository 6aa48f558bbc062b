using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>
/// The int8 prefill GEMM (<see cref="QuantizedGemm"/>) for Q8_0, Q4_0, Q4_K and Q6_K on every path the CPU has, against a float64
/// product of x on its int8 grid and <see cref="QuantizedBlocks.Dequantize"/>'s weights, on shapes whose tokens,
/// rows and tiles do not divide evenly.
/// </summary>
public sealed unsafe class QuantizedGemmTests
{
    private const double U = 1.0 / (1 << 24);

    public static TheoryData<string, DataType, int, int, int, float> Cases()
    {
        var cases = new TheoryData<string, DataType, int, int, int, float>();
        // Avx512: the AVX-VNNI kernel with its fp32 side at 512 bits.
        foreach (var path in new[] { DotPath.Avx512, DotPath.AvxVnni, DotPath.Avx2, DotPath.Portable })
        {
            foreach (var type in new[] { DataType.Q8_0, DataType.Q4_0, DataType.Q4_K, DataType.Q6_K })
            {
                // Q4_K's and Q6_K's rows are whole super-blocks of 256.
                var superBlocks = type.BlockValues() == 256;
                // 9 tokens: two panels of 4 and one of 1; 750 rows: 11 tiles of 64 and one of 46 (two kernels of 16, one of 14).
                cases.Add(path.ToString(), type, 9, 750, superBlocks ? 768 : 352, 0f);
                // One block (one super-block) per row; 70 rows: a tile of 64 and one of 6.
                cases.Add(path.ToString(), type, 14, 70, superBlocks ? 256 : 32, 1f);
                // Large K; 40 rows: one tile, its last kernel with 8 rows.
                cases.Add(path.ToString(), type, 33, 40, 4096, 0.5f);
            }
        }

        return cases;
    }

    /// <summary>
    /// x on its grid is d_b·q with q rounded as the kernel rounds it (<see cref="Int8Activations"/>); the integer sums
    /// are exact, so only fp32 rounding of the scaled block sums and their accumulation remains: 4·K·u·Σt·(|x| + d_b),
    /// t being what the kernel sums per weight before offsets cancel.
    /// With beta 0, y's old contents are NaN and must be ignored.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_EachPath_EqualsTheProductOfXOnItsGridWithinFp32Rounding(string pathName, DataType type, int rows, int outputs, int inputs, float beta)
    {
        var path = Enum.Parse<DotPath>(pathName);
        Assert.SkipUnless(QuantizedGemm.IsSupported(path), $"this CPU lacks the instructions of the {path} path");
        var x = WeightLinearDecodeTests.EdgeActivations(rows, inputs);
        var stored = type.BlockValues() == 256 ? KQuantWeights.Edge(type, outputs, inputs) : WeightLinearDecodeTests.EdgeWeights(type, outputs, inputs);
        var w = new float[outputs * inputs];
        QuantizedBlocks.Dequantize(type, stored, w);
        // What the kernel sums for each weight before offsets cancel: Q4_K's |d·sc·q| + |dmin·m|, else |w| (Q6_K's
        // offset of 32 is taken out of the int8 values).
        var terms = type == DataType.Q4_K ? KQuantWeights.Terms(type, stored) : [.. w.Select(MathF.Abs)];
        var previous = beta == 0f ? Enumerable.Repeat(float.NaN, rows * outputs).ToArray() : Reference.Random(rows * outputs, 14);
        var y = previous.ToArray();
        fixed (float* px = x, py = y)
        fixed (byte* pw = stored)
        {
            QuantizedGemm.Run(path, new ParallelOptions { MaxDegreeOfParallelism = 2 }, type, px, pw, py, rows, outputs, inputs, beta);
        }

        var grid = OnGrid(x, type.BlockValues() == 256 ? 256 : 32, out var steps);
        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < outputs; n++)
            {
                double expected = beta == 0f ? 0 : beta * (double)previous[(r * outputs) + n], magnitude = Math.Abs(expected);
                for (var k = 0; k < inputs; k++)
                {
                    var wk = (double)w[(n * inputs) + k];
                    expected += grid[(r * inputs) + k] * wk;
                    magnitude += terms[(n * inputs) + k] * (Math.Abs(x[(r * inputs) + k]) + steps[((r * inputs) + k) / 32]);
                }

                var bound = 4.0 * inputs * U * magnitude;
                var actual = y[(r * outputs) + n];
                Assert.True(Math.Abs(actual - expected) <= bound, $"{path} {type.ShortName()} token {r} output {n}: {actual} vs {expected} (bound {bound:e2})");
            }
        }
    }

    /// <summary>
    /// x rounded to its int8 grids as float64 values, and each block of 32's step max|x|/127 (in fp32), the max taken over
    /// each <paramref name="group"/> of values (32, or a k-quant super-block of 256, whose blocks share one step).
    /// </summary>
    private static double[] OnGrid(float[] x, int group, out double[] steps)
    {
        steps = new double[x.Length / 32];
        var grid = new double[x.Length];
        for (var b = 0; b < steps.Length; b++)
        {
            var d = x.AsSpan(b * 32 / group * group, group).ToArray().Max(MathF.Abs) / 127f;
            steps[b] = d;
            for (var k = b * 32; k < (b + 1) * 32; k++)
            {
                grid[k] = d * (double)MathF.Round(x[k] * (d == 0 ? 0f : 1f / d));
            }
        }

        return grid;
    }
}
