using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// OpenBLAS through its C interface (cblas.h), with 32-bit <c>blasint</c> as in Debian's libopenblas0:
/// <c>void cblas_sgemm(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, blasint M, blasint N, blasint K,
/// float alpha, const float *A, blasint lda, const float *B, blasint ldb, float beta, float *C, blasint ldc)</c>,
/// <c>void cblas_sgemv(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, blasint m, blasint n, float alpha, const float *a,
/// blasint lda, const float *x, blasint incx, float beta, float *y, blasint incy)</c>, and
/// <c>void openblas_set_num_threads(int)</c> / <c>int openblas_get_num_threads(void)</c>.
/// </summary>
internal sealed unsafe class OpenBlas
{
    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemv;
    private readonly delegate* unmanaged[Cdecl]<int, void> _setThreads;
    private readonly delegate* unmanaged[Cdecl]<int> _getThreads;
    private readonly Lock _threadsLock = new();
    private int _users;
    private int _savedThreads;

    private OpenBlas(IntPtr handle, IntPtr sgemm)
    {
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        if (NativeLibrary.TryGetExport(handle, "cblas_sgemv", out var sgemv))
        {
            _sgemv = (delegate* unmanaged[Cdecl]<int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemv;
        }

        if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var set)
            && NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out var get))
        {
            _setThreads = (delegate* unmanaged[Cdecl]<int, void>)set;
            _getThreads = (delegate* unmanaged[Cdecl]<int>)get;
        }
    }

    public static OpenBlas? TryLoad(out string reason)
    {
        foreach (var name in (string[])["libopenblas.so.0", "libopenblas.so", "libopenblas.dll"])
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                if (NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm))
                {
                    reason = "";
                    return new OpenBlas(handle, sgemm);
                }

                reason = $"{name} has no cblas_sgemm";
                return null;
            }
        }

        reason = "libopenblas.so.0 not found";
        return null;
    }

    public void Gemm(in GemmDescriptor g, float* a, float* b, float* c)
    {
        for (var i = 0; i < g.BatchCount; i++)
        {
            float* ai = a + g.OffsetA + (i * g.StrideA), bi = b + g.OffsetB + (i * g.StrideB), ci = c + g.OffsetC + (i * g.StrideC);
            if (!TryGemv(g, ai, bi, ci))
            {
                _sgemm(CblasRowMajor, g.TransposeA ? CblasTrans : CblasNoTrans, g.TransposeB ? CblasTrans : CblasNoTrans,
                    g.M, g.N, g.K, g.Alpha, ai, g.EffectiveLdA, bi, g.EffectiveLdB, g.Beta, ci, g.EffectiveLdC);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with OpenBLAS limited to <paramref name="threads"/> threads: 1 for callers that
    /// already spread their small GEMMs over the cores (OpenBLAS' own threads would oversubscribe them), the CPU
    /// device's thread count otherwise. The count is process-wide, so overlapping callers share the first caller's count
    /// and one save and restore.
    /// </summary>
    public void WithThreads(int threads, Action body)
    {
        if (_setThreads == null)
        {
            body();
            return;
        }

        lock (_threadsLock)
        {
            if (_users++ == 0)
            {
                _savedThreads = _getThreads();
                if (threads != _savedThreads)
                {
                    _setThreads(threads);
                }
            }
        }

        try
        {
            body();
        }
        finally
        {
            lock (_threadsLock)
            {
                if (--_users == 0 && _getThreads() != _savedThreads)
                {
                    _setThreads(_savedThreads);
                }
            }
        }
    }

    /// <summary>
    /// A product with one row or one column of C is a matrix-vector product: sgemv streams the matrix once at memory
    /// speed, where sgemm would pack it first (LLM decode at batch 1 is all such products).
    /// </summary>
    private bool TryGemv(in GemmDescriptor g, float* a, float* b, float* c)
    {
        if (_sgemv == null || (g.M != 1 && g.N != 1))
        {
            return false;
        }

        int lda = g.EffectiveLdA, ldb = g.EffectiveLdB, ldc = g.EffectiveLdC;
        if (g.M == 1)
        {
            // c(1×N) = a(1×K)·op(B): the vector is a's only row (stride lda along K when A is stored transposed).
            var incx = g.TransposeA ? lda : 1;
            ClearIfBetaZero(g.Beta, c, g.N, 1);
            if (g.TransposeB)
            {
                // B is stored N×K: c = B·a.
                _sgemv(CblasRowMajor, CblasNoTrans, g.N, g.K, g.Alpha, b, ldb, a, incx, g.Beta, c, 1);
            }
            else
            {
                // B is stored K×N: c = Bᵀ·a.
                _sgemv(CblasRowMajor, CblasTrans, g.K, g.N, g.Alpha, b, ldb, a, incx, g.Beta, c, 1);
            }

            return true;
        }

        // c(M×1) = op(A)·b(K×1): C's column has stride ldc, b's column stride ldb (1 when B is stored transposed).
        var incb = g.TransposeB ? 1 : ldb;
        ClearIfBetaZero(g.Beta, c, g.M, ldc);
        if (g.TransposeA)
        {
            _sgemv(CblasRowMajor, CblasTrans, g.K, g.M, g.Alpha, a, lda, b, incb, g.Beta, c, ldc);
        }
        else
        {
            _sgemv(CblasRowMajor, CblasNoTrans, g.M, g.K, g.Alpha, a, lda, b, incb, g.Beta, c, ldc);
        }

        return true;
    }

    /// <summary>GEMM overwrites C when beta is 0, even NaN; sgemv may scale y by 0 instead, which keeps a NaN.</summary>
    private static void ClearIfBetaZero(float beta, float* y, int count, int stride)
    {
        if (beta != 0)
        {
            return;
        }

        for (var i = 0; i < count; i++)
        {
            y[(long)i * stride] = 0;
        }
    }
}
