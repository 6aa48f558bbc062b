using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Kernels.Tests;

/// <summary>
/// GEMM shapes every engine must get right: all transposes, sizes that are not multiples of any tile, padded leading
/// dimensions, offsets, strided batches, Beta 0 over NaN, K = 0. Results are compared with the CPU backend over the
/// whole C buffer, so a write into padding or past a matrix shows up too.
/// </summary>
internal static class GemmCases
{
    public static readonly IReadOnlyDictionary<string, GemmDescriptor> All = new Dictionary<string, GemmDescriptor>
    {
        ["1x1x1"] = new() { M = 1, N = 1, K = 1 },
        ["7x5x3 NN"] = new() { M = 7, N = 5, K = 3 },
        ["65x63x17 NT"] = new() { M = 65, N = 63, K = 17, TransposeB = true },
        ["33x70x129 TN"] = new() { M = 33, N = 70, K = 129, TransposeA = true },
        ["130x66x40 TT"] = new() { M = 130, N = 66, K = 40, TransposeA = true, TransposeB = true },
        ["padded ld, offsets, alpha and beta"] = new()
        {
            M = 20, N = 30, K = 25, LdA = 31, LdB = 33, LdC = 35, OffsetA = 5, OffsetB = 7, OffsetC = 3, Alpha = 0.5f, Beta = 2f,
        },
        ["beta 0 ignores NaN in C"] = new() { M = 10, N = 12, K = 9, Beta = 0f },
        ["K 0 scales C"] = new() { M = 5, N = 6, K = 0, Beta = 0.5f },
        ["batched TN with gaps"] = new()
        {
            M = 17, N = 9, K = 12, TransposeA = true, BatchCount = 3, StrideA = (17 * 12) + 4, StrideB = (12 * 9) + 2, StrideC = (17 * 9) + 5,
            OffsetC = 1, Beta = 1f,
        },
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>Elements a buffer needs for one operand: offset, batches apart, rows of ld (a few spare at the end).</summary>
    public static long Extent(long offset, long stride, int batches, int rows, int ld) =>
        offset + (stride * (batches - 1)) + ((long)rows * ld) + 3;

    /// <summary>Runs <paramref name="g"/> on both devices from the same inputs and compares all of C.</summary>
    public static void AssertMatchesCpu(IDevice device, IDevice cpu, GemmDescriptor g, int seed)
    {
        var (rowsA, _) = g.TransposeA ? (g.K, g.M) : (g.M, g.K);
        var (rowsB, _) = g.TransposeB ? (g.N, g.K) : (g.K, g.N);
        var a = Approx.Random(seed, Extent(g.OffsetA, g.StrideA, g.BatchCount, rowsA, g.EffectiveLdA));
        var b = Approx.Random(seed + 1, Extent(g.OffsetB, g.StrideB, g.BatchCount, rowsB, g.EffectiveLdB));
        var c = Approx.Random(seed + 2, Extent(g.OffsetC, g.StrideC, g.BatchCount, g.M, g.EffectiveLdC));
        if (g.Beta == 0)
        {
            Array.Fill(c, float.NaN);
        }

        using var onCpu = new TensorSet(cpu).Add("a", a).Add("b", b).Add("c", c);
        using var onDevice = new TensorSet(device).Add("a", a).Add("b", b).Add("c", c);
        cpu.Ops.Gemm(g, onCpu["a"], onCpu["b"], onCpu["c"]);
        device.Ops.Gemm(g, onDevice["a"], onDevice["b"], onDevice["c"]);
        var expected = onCpu.Read("c");
        if (g.Beta == 0)
        {
            // Elements outside the product keep their NaN; inside, NaN must not leak from the old C.
            Assert.DoesNotContain(float.NaN, Inside(onDevice.Read("c"), g));
        }

        Approx.Equal(expected, onDevice.Read("c"), 1e-4f, "C");
    }

    private static IEnumerable<float> Inside(float[] c, GemmDescriptor g)
    {
        for (var batch = 0; batch < g.BatchCount; batch++)
        {
            for (var i = 0; i < g.M; i++)
            {
                for (var j = 0; j < g.N; j++)
                {
                    yield return c[g.OffsetC + (batch * g.StrideC) + ((long)i * g.EffectiveLdC) + j];
                }
            }
        }
    }
}
