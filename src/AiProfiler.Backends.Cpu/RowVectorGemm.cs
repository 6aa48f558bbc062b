using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// GEMM with one row of C (<c>c = alpha·a·op(B) + beta·c</c>, LLM decode at batch 1): purely memory-bound, so each core
/// streams its own contiguous slice of B once. With B stored K×N the cores split K and each keeps a partial row of C
/// (four rows of B per pass, so the partial row is loaded and stored once per four rows); with B stored N×K they split N
/// and each element of C is one dot product. On a 2-core AVX-512 VM this reads B about 1.8× faster than OpenBLAS'
/// sgemv, which shares each row of B between threads.
/// </summary>
internal static unsafe class RowVectorGemm
{
    // Below this many elements of B (1 MiB) one core streams it faster than the thread pool can start.
    private const long ParallelElements = 1 << 18;

    // 2 KiB ahead of the loads in each row of B: far enough to hide DRAM latency, near enough to stay in L1.
    private const int PrefetchDistance = 512;

    // Rows of B ahead of the current dot product whose lines are prefetched (B stored N×K).
    private const int PrefetchRows = 2;

    public static bool Supports(in GemmDescriptor g) => g.M == 1 && g.N > 0 && g.K > 0 && Vector256.IsHardwareAccelerated;

    /// <summary>Runs the GEMM; <paramref name="serial"/> keeps it on the calling thread whatever its size.</summary>
    public static void Run(in GemmDescriptor g, float* a, float* b, float* c, bool serial = false)
    {
        for (var i = 0; i < g.BatchCount; i++)
        {
            RunOne(g, a + g.OffsetA + (i * g.StrideA), b + g.OffsetB + (i * g.StrideB), c + g.OffsetC + (i * g.StrideC), serial);
        }
    }

    private static void RunOne(GemmDescriptor g, float* a, float* b, float* c, bool serial)
    {
        int n = g.N, k = g.K, ldb = g.EffectiveLdB;
        var workers = serial || (long)n * k < ParallelElements ? 1 : Environment.ProcessorCount;
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

    /// <summary>B stored N×K: c[j] = alpha·(x · B[j]) + beta·c[j], the cores splitting j.</summary>
    private static void Dots(float* x, float* b, int ldb, float* c, int n, int k, float alpha, float beta, int workers)
    {
        nint px = (nint)x, pb = (nint)b, pc = (nint)c;
        void Part(int w)
        {
            int j0 = (int)((long)n * w / workers), j1 = (int)((long)n * (w + 1) / workers);
            var xs = new ReadOnlySpan<float>((float*)px, k);
            for (var j = j0; j < j1; j++)
            {
                if (Sse.IsSupported && j + PrefetchRows < j1)
                {
                    var ahead = (float*)pb + ((long)(j + PrefetchRows) * ldb);
                    for (var p = 0; p < k; p += 16)
                    {
                        Sse.Prefetch0(ahead + p);
                    }
                }

                var dot = alpha * TensorPrimitives.Dot(xs, new ReadOnlySpan<float>((float*)pb + ((long)j * ldb), k));
                var target = (float*)pc + j;
                *target = beta == 0 ? dot : dot + (beta * *target);
            }
        }

        For(workers, Part);
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
    private static void Accumulate(float* x, float* b, int ldb, float* acc, int n, int p0, int p1)
    {
        new Span<float>(acc, n).Clear();
        var vectorEnd = n - (n % Vector256<float>.Count);
        var p = p0;
        for (; p + 4 <= p1; p += 4)
        {
            float* r0 = b + ((long)p * ldb), r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            float s0 = x[p], s1 = x[p + 1], s2 = x[p + 2], s3 = x[p + 3];
            Vector256<float> x0 = Vector256.Create(s0), x1 = Vector256.Create(s1), x2 = Vector256.Create(s2), x3 = Vector256.Create(s3);
            var j = 0;
            for (; j + (2 * Vector256<float>.Count) <= vectorEnd; j += 2 * Vector256<float>.Count)
            {
                // One cache line of each row per pass, and a prefetch of the line PrefetchDistance floats further on:
                // the hardware streamer stops at every 4 KiB page, and one core only keeps enough reads in flight to
                // approach DRAM bandwidth when told where the stream goes next.
                if (Sse.IsSupported)
                {
                    Sse.Prefetch0(r0 + j + PrefetchDistance);
                    Sse.Prefetch0(r1 + j + PrefetchDistance);
                    Sse.Prefetch0(r2 + j + PrefetchDistance);
                    Sse.Prefetch0(r3 + j + PrefetchDistance);
                }

                for (var half = j; half < j + (2 * Vector256<float>.Count); half += Vector256<float>.Count)
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

        for (; p < p1; p++)
        {
            var row = new ReadOnlySpan<float>(b + ((long)p * ldb), n);
            var accumulator = new Span<float>(acc, n);
            TensorPrimitives.MultiplyAdd(row, x[p], accumulator, accumulator);
        }
    }

    private static void For(int workers, Action<int> body)
    {
        if (workers == 1)
        {
            body(0);
        }
        else
        {
            Parallel.For(0, workers, body);
        }
    }
}
