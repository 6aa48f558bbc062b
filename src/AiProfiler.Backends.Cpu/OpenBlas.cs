using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// <c>cblas_sgemm</c> from OpenBLAS (cblas.h): <c>void cblas_sgemm(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE,
/// enum CBLAS_TRANSPOSE, blasint M, blasint N, blasint K, float alpha, const float *A, blasint lda, const float *B,
/// blasint ldb, float beta, float *C, blasint ldc)</c>, with 32-bit <c>blasint</c> as in Debian's libopenblas0.
/// </summary>
internal sealed unsafe class OpenBlas
{
    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;

    private OpenBlas(IntPtr sgemm) =>
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;

    public static OpenBlas? TryLoad(out string reason)
    {
        foreach (var name in (string[])["libopenblas.so.0", "libopenblas.so", "libopenblas.dll"])
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                if (NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm))
                {
                    reason = "";
                    return new OpenBlas(sgemm);
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
            _sgemm(CblasRowMajor, g.TransposeA ? CblasTrans : CblasNoTrans, g.TransposeB ? CblasTrans : CblasNoTrans,
                g.M, g.N, g.K, g.Alpha,
                a + g.OffsetA + (i * g.StrideA), g.EffectiveLdA,
                b + g.OffsetB + (i * g.StrideB), g.EffectiveLdB,
                g.Beta, c + g.OffsetC + (i * g.StrideC), g.EffectiveLdC);
        }
    }
}
