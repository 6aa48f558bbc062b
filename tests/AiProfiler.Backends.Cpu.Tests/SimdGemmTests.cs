using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

public sealed unsafe class SimdGemmTests
{
    public static TheoryData<string, bool, bool> KernelsAndTransposes()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var kernel in new[] { "avx512", "avx2", "portable" })
        {
            foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                data.Add(kernel, ta, tb);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KernelsAndTransposes))]
    public void Run_EveryTailOfEveryBlockingLoop_MatchesFloat64Reference(string kernel, bool transA, bool transB)
    {
        var (mr, nr) = Tile(kernel);
        // Blocks of two tiles and 16 steps, so that small shapes reach every loop and every ragged edge of it.
        var blocking = new GemmBlocking(16, 2 * nr, 2 * mr);
        int[] ms = [1, mr - 1, mr, mr + 1, (4 * mr) + mr - 1, (4 * mr) + 1];
        int[] ns = [1, nr - 1, nr, nr + 1, (4 * nr) + nr - 1];
        int[] ks = [1, 15, 16, 17, 37];
        foreach (var m in ms.Distinct())
        {
            foreach (var n in ns.Distinct())
            {
                foreach (var k in ks)
                {
                    var g = new GemmDescriptor
                    {
                        M = m, N = n, K = k, TransposeA = transA, TransposeB = transB, Alpha = 0.75f, Beta = 0.5f,
                        LdA = (transA ? m : k) + 3, LdB = (transB ? k : n) + 2, LdC = n + 5,
                    };
                    CheckAgainstReference(kernel, g, blocking, threads: 2, $"M={m} N={n} K={k}");
                }
            }
        }
    }

    [Theory]
    [InlineData("avx512")]
    [InlineData("avx2")]
    [InlineData("portable")]
    public void Run_BetaZero_OverwritesNaNInCIncludingRaggedEdges(string kernel)
    {
        var (mr, nr) = Tile(kernel);
        var g = new GemmDescriptor { M = (2 * mr) + 1, N = (2 * nr) + 3, K = 40, Beta = 0 };
        var a = Reference.Random(g.M * g.K, 1);
        var b = Reference.Random(g.K * g.N, 2);
        var c = Enumerable.Repeat(float.NaN, g.M * g.N).ToArray();

        RunKernel(kernel, g, a, b, c, new GemmBlocking(16, 2 * nr, 2 * mr), threads: 2);

        Assert.All(c, v => Assert.False(float.IsNaN(v), "beta = 0 must overwrite C, NaN included"));
        CheckClose(g, a, b, Enumerable.Repeat(0f, c.Length).ToArray(), c, "NaN C");
    }

    [Theory]
    [InlineData(0, 1f, 0.5f)]
    [InlineData(7, 0f, 0.5f)]
    [InlineData(0, 1f, 0f)]
    public void Run_NoProductTerm_LeavesBetaTimesC(int k, float alpha, float beta)
    {
        var g = new GemmDescriptor { M = 13, N = 35, K = k, Alpha = alpha, Beta = beta };
        var a = Reference.Random(Math.Max(1, g.M * k), 1);
        var b = Reference.Random(Math.Max(1, k * g.N), 2);
        var c0 = Reference.Random(g.M * g.N, 3);
        if (beta == 0)
        {
            Array.Fill(c0, float.NaN);
        }

        var c = (float[])c0.Clone();

        RunKernel(SupportedKernel(), g, a, b, c, blocking: null, threads: 2);

        Assert.Equal(c0.Select(v => beta == 0 ? 0f : beta * v), c);
    }

    [Theory]
    [InlineData("avx512", false)]
    [InlineData("avx512", true)]
    [InlineData("avx2", false)]
    [InlineData("avx2", true)]
    [InlineData("portable", false)]
    [InlineData("portable", true)]
    public void Run_OnTwoThreadsWithSmallBlocks_MatchesFloat64Reference(string kernel, bool fewRows)
    {
        var (mr, nr) = Tile(kernel);
        // Many row panels split the rows (the threads pack B blocks together and meet at barriers, several row blocks
        // each); one panel and a bit splits the columns. Both are large enough to be worth two threads, with ragged edges.
        var g = fewRows
            ? new GemmDescriptor { M = mr + 1, N = (40 * nr) + 5, K = 1600, TransposeB = true, Beta = 0.5f }
            : new GemmDescriptor { M = (17 * mr) + 5, N = (13 * nr) + 5, K = 400, TransposeA = true, Alpha = 1.5f, Beta = 1 };

        CheckAgainstReference(kernel, g with { LdA = g.TransposeA ? g.M : g.K, LdB = g.TransposeB ? g.K : g.N, LdC = g.N }, new GemmBlocking(16, 2 * nr, 2 * mr), threads: 2, fewRows ? "columns split" : "rows split");
    }

    [Fact]
    public void Run_OnTwoThreads_GivesTheSameBitsAsOnOne()
    {
        // Each tile is computed by the same sequence of operations whichever thread takes it, so a run is reproducible
        // whatever the device's thread count.
        var g = new GemmDescriptor { M = 301, N = 517, K = 333, Beta = 1 };
        var a = Reference.Random(g.M * g.K, 4);
        var b = Reference.Random(g.K * g.N, 5);
        var c0 = Reference.Random(g.M * g.N, 6);
        float[] one = (float[])c0.Clone(), two = (float[])c0.Clone();

        RunKernel(SupportedKernel(), g, a, b, one, blocking: null, threads: 1);
        RunKernel(SupportedKernel(), g, a, b, two, blocking: null, threads: 2);

        Assert.Equal(one, two);
        CheckClose(g, a, b, c0, one, "301x517x333");
    }

    [Fact]
    public void Run_ManySmallBatches_EachBatchMatchesItsReference()
    {
        const int m = 20, n = 33, k = 19, batches = 9;
        var g = new GemmDescriptor { M = m, N = n, K = k, BatchCount = batches, StrideA = m * k, StrideB = k * n, StrideC = m * n, TransposeB = true, Alpha = 1.25f };
        var a = Reference.Random(m * k * batches, 7);
        var b = Reference.Random(k * n * batches, 8);
        var c = Enumerable.Repeat(float.NaN, m * n * batches).ToArray();

        RunKernel(SupportedKernel(), g, a, b, c, blocking: null, threads: 2);

        for (var t = 0; t < batches; t++)
        {
            var one = g with { BatchCount = 1 };
            CheckClose(one, a[(t * m * k)..((t + 1) * m * k)], b[(t * k * n)..((t + 1) * k * n)], new float[m * n], c[(t * m * n)..((t + 1) * m * n)], $"batch {t}");
        }
    }

    private static void CheckAgainstReference(string kernel, GemmDescriptor g, GemmBlocking blocking, int threads, string label)
    {
        var (aRows, bRows) = (g.TransposeA ? g.K : g.M, g.TransposeB ? g.N : g.K);
        var a = Reference.Random(aRows * g.LdA, g.M + (7 * g.K));
        var b = Reference.Random(bRows * g.LdB, g.N + (3 * g.K));
        var c0 = Reference.Random(g.M * g.LdC, g.M + g.N);
        var c = (float[])c0.Clone();

        RunKernel(kernel, g, a, b, c, blocking, threads);

        CheckClose(g, a, b, c0, c, label);
    }

    /// <summary>Each element within the rounding of the K+1 terms it sums (see FloatAssert), and C outside the window untouched.</summary>
    private static void CheckClose(GemmDescriptor g, float[] a, float[] b, float[] c0, float[] c, string label)
    {
        int lda = g.EffectiveLdA, ldb = g.EffectiveLdB, ldc = g.EffectiveLdC;
        for (var i = 0; i < g.M; i++)
        {
            for (var j = 0; j < ldc && (i * ldc) + j < c.Length; j++)
            {
                var index = (i * ldc) + j;
                if (j >= g.N)
                {
                    Assert.Equal(c0[index], c[index]);
                    continue;
                }

                double sum = 0, magnitude = 0;
                for (var p = 0; p < g.K; p++)
                {
                    var term = (double)(g.TransposeA ? a[(p * lda) + i] : a[(i * lda) + p]) * (g.TransposeB ? b[(j * ldb) + p] : b[(p * ldb) + j]);
                    sum += term;
                    magnitude += Math.Abs(term);
                }

                var scaledC = g.Beta == 0 ? 0 : g.Beta * (double)c0[index];
                FloatAssert.Sum((g.Alpha * sum) + scaledC, c[index], g.K + 1, (Math.Abs(g.Alpha) * magnitude) + Math.Abs(scaledC), $"{label} {(g.TransposeA ? "T" : "N")}{(g.TransposeB ? "T" : "N")}: C[{i},{j}]");
            }
        }
    }

    private static (int Mr, int Nr) Tile(string kernel) => kernel switch
    {
        "avx512" => (Avx512MicroKernel.Mr, Avx512MicroKernel.Nr),
        "avx2" => (Avx2MicroKernel.Mr, Avx2MicroKernel.Nr),
        _ => (PortableMicroKernel.Mr, PortableMicroKernel.Nr),
    };

    private static string SupportedKernel() =>
        Avx512MicroKernel.IsSupported ? "avx512" : Avx2MicroKernel.IsSupported ? "avx2" : "portable";

    private static void RunKernel(string kernel, GemmDescriptor g, float[] a, float[] b, float[] c, GemmBlocking? blocking, int threads)
    {
        var supported = kernel switch
        {
            "avx512" => Avx512MicroKernel.IsSupported,
            "avx2" => Avx2MicroKernel.IsSupported,
            _ => PortableMicroKernel.IsSupported,
        };
        Assert.SkipUnless(supported, $"this CPU (or DOTNET_EnableAVX512F/AVX2=0) does not run the {kernel} micro-kernel");
        fixed (float* pa = a, pb = b, pc = c)
        {
            switch (kernel)
            {
                case "avx512":
                    SimdGemm.Run<Avx512MicroKernel>(g, pa, pb, pc, threads, blocking);
                    break;
                case "avx2":
                    SimdGemm.Run<Avx2MicroKernel>(g, pa, pb, pc, threads, blocking);
                    break;
                default:
                    SimdGemm.Run<PortableMicroKernel>(g, pa, pb, pc, threads, blocking);
                    break;
            }
        }
    }
}
