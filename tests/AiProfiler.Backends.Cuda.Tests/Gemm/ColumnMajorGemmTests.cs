using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Gemm;
using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Gemm;

public sealed class ColumnMajorGemmTests
{
    [Fact]
    public void FromRowMajor_PlainProduct_SwapsOperandsAndDimensions()
    {
        var call = ColumnMajorGemm.FromRowMajor(new GemmDescriptor { M = 2, N = 3, K = 4 });

        Assert.Equal((CublasOperation.None, CublasOperation.None), (call.TransA, call.TransB));
        Assert.Equal((3, 2, 4), (call.M, call.N, call.K));
        Assert.Equal((3, 4, 3), (call.Lda, call.Ldb, call.Ldc));
    }

    [Fact]
    public void FromRowMajor_EmptyInnerDimension_KeepsLeadingDimensionsValidForCublas()
    {
        var call = ColumnMajorGemm.FromRowMajor(new GemmDescriptor { M = 2, N = 3, K = 0 });
        Assert.Equal((3, 1, 3), (call.Lda, call.Ldb, call.Ldc));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void FromRowMajor_RunByAColumnMajorGemm_GivesTheRowMajorProduct(bool transposeA, bool transposeB)
    {
        // Padded leading dimensions, two batches with gaps between them, and offsets: every field must be mapped.
        const int m = 3, n = 4, k = 5, batches = 2;
        var gemm = new GemmDescriptor
        {
            M = m, N = n, K = k, TransposeA = transposeA, TransposeB = transposeB,
            LdA = (transposeA ? m : k) + 2, LdB = (transposeB ? k : n) + 1, LdC = n + 3,
            Alpha = 1.5f, Beta = 0.5f, BatchCount = batches,
            StrideA = 50, StrideB = 40, StrideC = 30, OffsetA = 3, OffsetB = 5, OffsetC = 7,
        };
        var random = new Random(42);
        var a = Filled(200, random);
        var b = Filled(200, random);
        var c = Filled(200, random);
        var expected = (float[])c.Clone();
        RowMajorReference(gemm, a, b, expected);

        var call = ColumnMajorGemm.FromRowMajor(gemm);
        // cuBLAS's first operand is the caller's B, its second the caller's A.
        ColumnMajorBlas(call, gemm.Alpha, b, a, gemm.Beta, c);

        for (var i = 0; i < c.Length; i++)
        {
            // Both sides are fp32 sums of k products of values in [-2, 2] (|a·b| <= 4), scaled by alpha, plus beta·c.
            FloatAssert.Close(expected[i], c[i], 2 * FloatAssert.SumBound(k + 1, (k * 4 * 1.5) + (0.5 * 2), expected[i]), $"element {i}");
        }
    }

    private static float[] Filled(int length, Random random) =>
        Enumerable.Range(0, length).Select(_ => (float)Math.Round(random.NextDouble() * 4 - 2, 2)).ToArray();

    /// <summary>What GemmDescriptor promises, written directly in row-major terms.</summary>
    private static void RowMajorReference(in GemmDescriptor g, float[] a, float[] b, float[] c)
    {
        for (var batch = 0; batch < g.BatchCount; batch++)
        {
            for (var i = 0; i < g.M; i++)
            {
                for (var j = 0; j < g.N; j++)
                {
                    var sum = 0f;
                    for (var p = 0; p < g.K; p++)
                    {
                        var av = g.TransposeA ? a[g.OffsetA + (batch * g.StrideA) + (p * g.EffectiveLdA) + i] : a[g.OffsetA + (batch * g.StrideA) + (i * g.EffectiveLdA) + p];
                        var bv = g.TransposeB ? b[g.OffsetB + (batch * g.StrideB) + (j * g.EffectiveLdB) + p] : b[g.OffsetB + (batch * g.StrideB) + (p * g.EffectiveLdB) + j];
                        sum += av * bv;
                    }

                    var index = g.OffsetC + (batch * g.StrideC) + (i * g.EffectiveLdC) + j;
                    c[index] = (g.Alpha * sum) + (g.Beta * c[index]);
                }
            }
        }
    }

    /// <summary>The BLAS definition of a column-major (strided batched) GEMM: element (r, c) of X is X[r + c·ld].</summary>
    private static void ColumnMajorBlas(CublasGemmCall call, float alpha, float[] a, float[] b, float beta, float[] c)
    {
        for (var batch = 0; batch < call.BatchCount; batch++)
        {
            for (var col = 0; col < call.N; col++)
            {
                for (var row = 0; row < call.M; row++)
                {
                    var sum = 0f;
                    for (var p = 0; p < call.K; p++)
                    {
                        var av = call.TransA == CublasOperation.Transpose ? a[call.OffsetA + (batch * call.StrideA) + p + (row * call.Lda)] : a[call.OffsetA + (batch * call.StrideA) + row + (p * call.Lda)];
                        var bv = call.TransB == CublasOperation.Transpose ? b[call.OffsetB + (batch * call.StrideB) + col + (p * call.Ldb)] : b[call.OffsetB + (batch * call.StrideB) + p + (col * call.Ldb)];
                        sum += av * bv;
                    }

                    var index = call.OffsetC + (batch * call.StrideC) + row + (col * call.Ldc);
                    c[index] = (alpha * sum) + (beta * c[index]);
                }
            }
        }
    }
}
