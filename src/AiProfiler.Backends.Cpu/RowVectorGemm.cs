using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// GEMM with one row of C (<c>c = alpha·a·op(B) + beta·c</c>, LLM decode at batch 1): purely memory-bound, so each core
/// streams its own contiguous slice of B once. With B stored K×N the cores split K and each keeps a partial row of C
/// (four rows of B per pass, so the partial row is loaded and stored once per four rows); with B stored N×K they split N
/// and each element of C is one dot product, four at a time. Either way each core streams four rows a quarter of its
/// slice apart. On a 2-core AVX-512 VM this reads B about 1.8× faster than OpenBLAS' sgemv, which shares each row of
/// B between threads.
/// </summary>
internal static unsafe class RowVectorGemm
{
    // Below this many elements of B (1 MiB) one core streams it faster than the thread pool can start.
    private const long ParallelElements = 1 << 18;

    // 2 KiB ahead of the loads in each row of B into L1: far enough to hide DRAM latency, near enough to stay there;
    // and 8 KiB ahead into L2, which keeps more reads in flight than L1's fill buffers allow.
    private const int PrefetchDistance = 512;
    private const int FarPrefetchDistance = 2048;

    // Floats in a 64-byte cache line: the loops step one line of each stream at a time.
    private const int LineFloats = 16;

    // Rows of B each core reads at once, a quarter of its range apart: a core keeps enough DRAM reads in flight to
    // approach the machine's bandwidth only with several independent streams (the hardware prefetcher follows each
    // 4 KiB page on its own). On the 2-core AVX-512 VM a plain read of 1.4 GB ran at 0.87 of the STREAM triad from
    // one stream per core and at 1.03 from four.
    private const int Streams = 4;

    public static bool Supports(in GemmDescriptor g) => g.M == 1 && g.N > 0 && g.K > 0 && Vector256.IsHardwareAccelerated;

    /// <summary>Runs the GEMM on at most <paramref name="threads"/> threads (1 keeps it on the calling thread).</summary>
    public static void Run(in GemmDescriptor g, float* a, float* b, float* c, int threads)
    {
        for (var i = 0; i < g.BatchCount; i++)
        {
            RunOne(g, a + g.OffsetA + (i * g.StrideA), b + g.OffsetB + (i * g.StrideB), c + g.OffsetC + (i * g.StrideC), threads);
        }
    }

    private static void RunOne(GemmDescriptor g, float* a, float* b, float* c, int threads)
    {
        int n = g.N, k = g.K, ldb = g.EffectiveLdB;
        var workers = (long)n * k < ParallelElements ? 1 : Math.Max(1, threads);
        if (!g.TransposeA || k == 1)
        {
            // a's only row is already contiguous.
            Multiply(g, a, b, c, n, k, ldb, workers);
            return;
        }

        var x = ArrayPool<float>.Shared.Rent(k);
        try
        {
            // A stored transposed: gather its only column.
            var incx = g.EffectiveLdA;
            for (var p = 0; p < k; p++)
            {
                x[p] = a[(long)p * incx];
            }

            fixed (float* px = x)
            {
                Multiply(g, px, b, c, n, k, ldb, workers);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(x);
        }
    }

    private static void Multiply(in GemmDescriptor g, float* x, float* b, float* c, int n, int k, int ldb, int workers)
    {
        if (g.TransposeB)
        {
            Dots(x, b, ldb, c, n, k, g.Alpha, g.Beta, workers);
        }
        else
        {
            RowSums(x, b, ldb, c, n, k, g.Alpha, g.Beta, workers);
        }
    }

    /// <summary>
    /// B stored N×K: c[j] = alpha·(x · B[j]) + beta·c[j], the cores splitting j. Each core works on four dot products
    /// at once whose rows lie a quarter of its range apart (see <see cref="Streams"/>).
    /// </summary>
    private static void Dots(float* x, float* b, int ldb, float* c, int n, int k, float alpha, float beta, int workers)
    {
        nint px = (nint)x, pb = (nint)b, pc = (nint)c;
        void Part(int w)
        {
            int j0 = (int)((long)n * w / workers), j1 = (int)((long)n * (w + 1) / workers);
            var quarter = (j1 - j0) / Streams;
            var dots = stackalloc float[Streams];
            for (var i = 0; i < quarter; i++)
            {
                Dot4((float*)px, (float*)pb, ldb, k, j0 + i, quarter, dots);
                for (var s = 0; s < Streams; s++)
                {
                    Store((float*)pc + j0 + i + (s * quarter), alpha * dots[s], beta);
                }
            }

            var xs = new ReadOnlySpan<float>((float*)px, k);
            for (var j = j0 + (Streams * quarter); j < j1; j++)
            {
                Store((float*)pc + j, alpha * TensorPrimitives.Dot(xs, new ReadOnlySpan<float>((float*)pb + ((long)j * ldb), k)), beta);
            }
        }

        For(workers, Part);
    }

    private static void Store(float* target, float value, float beta) => *target = beta == 0 ? value : value + (beta * *target);

    /// <summary>dots[s] = x · B[row + s·gap] for the four streams, prefetching each row's continuation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4(float* x, float* b, int ldb, int k, int row, int gap, float* dots)
    {
        float* r0 = b + ((long)row * ldb), r1 = r0 + ((long)gap * ldb), r2 = r1 + ((long)gap * ldb), r3 = r2 + ((long)gap * ldb);
        float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        var p = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; p + LineFloats <= k; p += LineFloats)
            {
                // A row's continuation is the next row of its stream (read by the next call) when ldb = k.
                Prefetch(r0 + p, r1 + p, r2 + p, r3 + p);
                var xv = Vector512.Load(x + p);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(r0 + p), xv, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + p), xv, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + p), xv, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(r3 + p), xv, s3);
            }

            (t0, t1, t2, t3) = (Vector512.Sum(s0), Vector512.Sum(s1), Vector512.Sum(s2), Vector512.Sum(s3));
        }
        else
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; p + Vector256<float>.Count <= k; p += Vector256<float>.Count)
            {
                if (p % LineFloats == 0)
                {
                    Prefetch(r0 + p, r1 + p, r2 + p, r3 + p);
                }

                var xv = Vector256.Load(x + p);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(r0 + p), xv, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(r1 + p), xv, s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Load(r2 + p), xv, s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Load(r3 + p), xv, s3);
            }

            (t0, t1, t2, t3) = (Vector256.Sum(s0), Vector256.Sum(s1), Vector256.Sum(s2), Vector256.Sum(s3));
        }

        for (; p < k; p++)
        {
            t0 += r0[p] * x[p];
            t1 += r1[p] * x[p];
            t2 += r2[p] * x[p];
            t3 += r3[p] * x[p];
        }

        dots[0] = t0;
        dots[1] = t1;
        dots[2] = t2;
        dots[3] = t3;
    }

    /// <summary>B stored K×N: c = alpha·Σ_p x[p]·B[p] + beta·c, the cores splitting p into partial rows.</summary>
    private static void RowSums(float* x, float* b, int ldb, float* c, int n, int k, float alpha, float beta, int workers)
    {
        var partials = ArrayPool<float>.Shared.Rent(workers * n);
        try
        {
            fixed (float* pp = partials)
            {
                nint px = (nint)x, pb = (nint)b, ppartials = (nint)pp;
                For(workers, w =>
                {
                    int p0 = (int)((long)k * w / workers), p1 = (int)((long)k * (w + 1) / workers);
                    Accumulate((float*)px, (float*)pb, ldb, (float*)ppartials + ((long)w * n), n, p0, p1);
                });

                var row = new Span<float>(pp, n);
                for (var w = 1; w < workers; w++)
                {
                    TensorPrimitives.Add(row, new ReadOnlySpan<float>(pp + ((long)w * n), n), row);
                }

                var target = new Span<float>(c, n);
                if (beta == 0)
                {
                    TensorPrimitives.Multiply(row, alpha, target);
                }
                else
                {
                    TensorPrimitives.Multiply(target, beta, target);
                    TensorPrimitives.MultiplyAdd(row, alpha, target, target);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>acc = Σ_{p in [p0, p1)} x[p]·B[p], four rows of B per pass over acc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate(float* x, float* b, int ldb, float* acc, int n, int p0, int p1)
    {
        new Span<float>(acc, n).Clear();
        var vectorEnd = n - (n % Vector256<float>.Count);
        var quarter = (p1 - p0) / Streams;
        for (var i = 0; i < quarter; i++)
        {
            var p = p0 + i;
            var gap = (long)quarter * ldb;
            float* r0 = b + ((long)p * ldb), r1 = r0 + gap, r2 = r1 + gap, r3 = r2 + gap;
            float s0 = x[p], s1 = x[p + quarter], s2 = x[p + (2 * quarter)], s3 = x[p + (3 * quarter)];
            Vector256<float> x0 = Vector256.Create(s0), x1 = Vector256.Create(s1), x2 = Vector256.Create(s2), x3 = Vector256.Create(s3);
            Vector512<float> y0 = Vector512.Create(s0), y1 = Vector512.Create(s1), y2 = Vector512.Create(s2), y3 = Vector512.Create(s3);
            var j = 0;
            for (; j + LineFloats <= vectorEnd; j += LineFloats)
            {
                // One cache line of each row per pass, prefetched ahead (see Prefetch).
                Prefetch(r0 + j, r1 + j, r2 + j, r3 + j);
                if (Vector512.IsHardwareAccelerated)
                {
                    var wide = Vector512.Load(acc + j);
                    wide = Vector512.FusedMultiplyAdd(Vector512.Load(r0 + j), y0, wide);
                    wide = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + j), y1, wide);
                    wide = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + j), y2, wide);
                    wide = Vector512.FusedMultiplyAdd(Vector512.Load(r3 + j), y3, wide);
                    wide.Store(acc + j);
                    continue;
                }

                for (var half = j; half < j + LineFloats; half += Vector256<float>.Count)
                {
                    var sum = Vector256.Load(acc + half);
                    sum = Vector256.FusedMultiplyAdd(Vector256.Load(r0 + half), x0, sum);
                    sum = Vector256.FusedMultiplyAdd(Vector256.Load(r1 + half), x1, sum);
                    sum = Vector256.FusedMultiplyAdd(Vector256.Load(r2 + half), x2, sum);
                    sum = Vector256.FusedMultiplyAdd(Vector256.Load(r3 + half), x3, sum);
                    sum.Store(acc + half);
                }
            }

            for (; j < vectorEnd; j += Vector256<float>.Count)
            {
                var sum = Vector256.Load(acc + j);
                sum = Vector256.FusedMultiplyAdd(Vector256.Load(r0 + j), x0, sum);
                sum = Vector256.FusedMultiplyAdd(Vector256.Load(r1 + j), x1, sum);
                sum = Vector256.FusedMultiplyAdd(Vector256.Load(r2 + j), x2, sum);
                sum = Vector256.FusedMultiplyAdd(Vector256.Load(r3 + j), x3, sum);
                sum.Store(acc + j);
            }

            for (; j < n; j++)
            {
                acc[j] += (r0[j] * s0) + (r1[j] * s1) + (r2[j] * s2) + (r3[j] * s3);
            }
        }

        for (var p = p0 + (Streams * quarter); p < p1; p++)
        {
            var row = new ReadOnlySpan<float>(b + ((long)p * ldb), n);
            var accumulator = new Span<float>(acc, n);
            TensorPrimitives.MultiplyAdd(row, x[p], accumulator, accumulator);
        }
    }

    /// <summary>
    /// Prefetches the lines a fixed distance ahead in four streams: the hardware streamer stops at every 4 KiB page,
    /// and one core only keeps enough reads in flight to approach DRAM bandwidth when told where each stream goes next.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(float* s0, float* s1, float* s2, float* s3)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(s0 + PrefetchDistance);
            Sse.Prefetch0(s1 + PrefetchDistance);
            Sse.Prefetch0(s2 + PrefetchDistance);
            Sse.Prefetch0(s3 + PrefetchDistance);
            Sse.Prefetch2(s0 + FarPrefetchDistance);
            Sse.Prefetch2(s1 + FarPrefetchDistance);
            Sse.Prefetch2(s2 + FarPrefetchDistance);
            Sse.Prefetch2(s3 + FarPrefetchDistance);
        }
    }

    private static void For(int workers, Action<int> body)
    {
        if (workers == 1)
        {
            body(0);
        }
        else if (!GemmTeam.TryRun(workers, body))
        {
            Parallel.For(0, workers, body);
        }
    }
}
