using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// A blocked, packed, multi-threaded fp32 GEMM in managed SIMD: op(A) is packed in panels of <see cref="Mr"/> rows
/// (alpha applied), op(B) in panels of <see cref="Nr"/> columns, both zero-padded so the 6×16 register-blocked
/// micro-kernel never branches on edges; partial tiles go through a small scratch tile. Packing absorbs transposes and
/// leading dimensions, so every shape takes the same fast path.
/// </summary>
internal static unsafe class SimdGemm
{
    public const int Mr = 6;
    public const int Nr = 16;
    private const int Kc = 256;
    private const int Mc = Mr * 16;

    /// <summary>Runs the GEMM; <paramref name="serial"/> keeps it on the calling thread (for callers already in parallel).</summary>
    public static void Run(in GemmDescriptor g, float* a, float* b, float* c, bool serial = false)
    {
        for (var batch = 0; batch < g.BatchCount; batch++)
        {
            RunOne(g, a + g.OffsetA + (batch * g.StrideA), b + g.OffsetB + (batch * g.StrideB), c + g.OffsetC + (batch * g.StrideC), serial);
        }
    }

    private static void RunOne(GemmDescriptor g, float* a, float* b, float* c, bool serial)
    {
        int m = g.M, n = g.N, k = g.K, ldc = g.EffectiveLdC;
        if (m == 0 || n == 0)
        {
            return;
        }

        ScaleC(c, m, n, ldc, g.Beta);
        if (k == 0 || g.Alpha == 0)
        {
            return;
        }

        var nPanels = (n + Nr - 1) / Nr;
        var mBlocks = (m + Mc - 1) / Mc;
        var workers = Environment.ProcessorCount;
        var nGroups = Math.Max(1, Math.Min(nPanels, (workers * 4) / Math.Max(1, mBlocks)));
        var panelsPerGroup = (nPanels + nGroups - 1) / nGroups;
        var packedB = ArrayPool<float>.Shared.Rent(nPanels * Kc * Nr);
        try
        {
            fixed (float* pb = packedB)
            {
                var pbAddress = (nint)pb;
                for (var pc = 0; pc < k; pc += Kc)
                {
                    var kc = Math.Min(Kc, k - pc);
                    var p0 = pc;
                    For(serial ? 1 : nPanels, nPanels, panel => PackB(g, b, (float*)pbAddress + (panel * kc * Nr), p0, kc, panel * Nr, n));
                    For(serial ? 1 : mBlocks * nGroups, mBlocks * nGroups, task =>
                    {
                        var block = task / nGroups;
                        var group = task % nGroups;
                        var firstPanel = group * panelsPerGroup;
                        var lastPanel = Math.Min(nPanels, firstPanel + panelsPerGroup);
                        if (firstPanel >= lastPanel)
                        {
                            return;
                        }

                        var i0 = block * Mc;
                        var mc = Math.Min(Mc, m - i0);
                        var mPanels = (mc + Mr - 1) / Mr;
                        var packedA = ArrayPool<float>.Shared.Rent(mPanels * kc * Mr);
                        try
                        {
                            fixed (float* pa = packedA)
                            {
                                PackA(g, a, pa, i0, mc, p0, kc);
                                for (var panel = firstPanel; panel < lastPanel; panel++)
                                {
                                    var j0 = panel * Nr;
                                    var nr = Math.Min(Nr, n - j0);
                                    for (var mp = 0; mp < mPanels; mp++)
                                    {
                                        var mr = Math.Min(Mr, mc - (mp * Mr));
                                        Kernel(kc, pa + (mp * kc * Mr), (float*)pbAddress + (panel * kc * Nr), c + ((i0 + (mp * Mr)) * (long)ldc) + j0, ldc, mr, nr);
                                    }
                                }
                            }
                        }
                        finally
                        {
                            ArrayPool<float>.Shared.Return(packedA);
                        }
                    });
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedB);
        }
    }

    private static void For(int parallelism, int count, Action<int> body)
    {
        if (parallelism == 1 || count == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }
        }
        else
        {
            Parallel.For(0, count, body);
        }
    }

    private static void ScaleC(float* c, int m, int n, int ldc, float beta)
    {
        for (var i = 0; i < m; i++)
        {
            var row = new Span<float>(c + ((long)i * ldc), n);
            if (beta == 0)
            {
                row.Clear();
            }
            else if (beta != 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc] × alpha into row panels: panel-major, then k, then Mr rows.</summary>
    private static void PackA(in GemmDescriptor g, float* a, float* dst, int i0, int mc, int p0, int kc)
    {
        var lda = (long)g.EffectiveLdA;
        var alpha = g.Alpha;
        for (var mp = 0; mp * Mr < mc; mp++)
        {
            var rows = Math.Min(Mr, mc - (mp * Mr));
            var panel = dst + (mp * kc * Mr);
            for (var p = 0; p < kc; p++)
            {
                var o = panel + (p * Mr);
                for (var r = 0; r < Mr; r++)
                {
                    if (r < rows)
                    {
                        long i = i0 + (mp * Mr) + r, kk = p0 + p;
                        o[r] = alpha * (g.TransposeA ? a[(kk * lda) + i] : a[(i * lda) + kk]);
                    }
                    else
                    {
                        o[r] = 0;
                    }
                }
            }
        }
    }

    /// <summary>Packs op(B)[p0..p0+kc, j0..j0+Nr] into one column panel: k-major, Nr columns each.</summary>
    private static void PackB(in GemmDescriptor g, float* b, float* dst, int p0, int kc, int j0, int n)
    {
        var ldb = (long)g.EffectiveLdB;
        var cols = Math.Min(Nr, n - j0);
        for (var p = 0; p < kc; p++)
        {
            var o = dst + (p * Nr);
            long kk = p0 + p;
            if (!g.TransposeB && cols == Nr)
            {
                Buffer.MemoryCopy(b + (kk * ldb) + j0, o, Nr * sizeof(float), Nr * sizeof(float));
                continue;
            }

            for (var j = 0; j < Nr; j++)
            {
                o[j] = j < cols ? (g.TransposeB ? b[((j0 + j) * ldb) + kk] : b[(kk * ldb) + j0 + j]) : 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mad(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    private static void Kernel(int kc, float* pa, float* pb, float* c, int ldc, int mr, int nr)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(pb);
            var b1 = Vector256.Load(pb + 8);
            var a0 = Vector256.Create(pa[0]);
            c00 = Mad(a0, b0, c00);
            c01 = Mad(a0, b1, c01);
            var a1 = Vector256.Create(pa[1]);
            c10 = Mad(a1, b0, c10);
            c11 = Mad(a1, b1, c11);
            var a2 = Vector256.Create(pa[2]);
            c20 = Mad(a2, b0, c20);
            c21 = Mad(a2, b1, c21);
            var a3 = Vector256.Create(pa[3]);
            c30 = Mad(a3, b0, c30);
            c31 = Mad(a3, b1, c31);
            var a4 = Vector256.Create(pa[4]);
            c40 = Mad(a4, b0, c40);
            c41 = Mad(a4, b1, c41);
            var a5 = Vector256.Create(pa[5]);
            c50 = Mad(a5, b0, c50);
            c51 = Mad(a5, b1, c51);
            pa += Mr;
            pb += Nr;
        }

        if (mr == Mr && nr == Nr)
        {
            AddRow(c, c00, c01);
            AddRow(c + ldc, c10, c11);
            AddRow(c + (2L * ldc), c20, c21);
            AddRow(c + (3L * ldc), c30, c31);
            AddRow(c + (4L * ldc), c40, c41);
            AddRow(c + (5L * ldc), c50, c51);
            return;
        }

        var tile = stackalloc float[Mr * Nr];
        c00.Store(tile); c01.Store(tile + 8);
        c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40);
        c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72);
        c50.Store(tile + 80); c51.Store(tile + 88);
        for (var r = 0; r < mr; r++)
        {
            for (var j = 0; j < nr; j++)
            {
                c[((long)r * ldc) + j] += tile[(r * Nr) + j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(float* row, Vector256<float> lo, Vector256<float> hi)
    {
        (Vector256.Load(row) + lo).Store(row);
        (Vector256.Load(row + 8) + hi).Store(row + 8);
    }
}
