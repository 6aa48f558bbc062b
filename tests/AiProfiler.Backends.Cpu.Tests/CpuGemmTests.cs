using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

public sealed class CpuGemmTests
{
    public static TheoryData<string, int, int, int, bool, bool> Shapes()
    {
        var data = new TheoryData<string, int, int, int, bool, bool>();
        (int M, int N, int K)[] shapes = [(1, 1, 1), (7, 13, 5), (6, 16, 256), (17, 33, 65), (64, 64, 64), (100, 37, 300), (3, 1000, 2), (97, 1, 513), (1, 50, 7), (1, 1000, 301), (1, 1037, 333)];
        foreach (var engine in new[] { "simd", "openblas" })
        {
            foreach (var (m, n, k) in shapes)
            {
                foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
                {
                    data.Add(engine, m, n, k, ta, tb);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_AnyShapeAndTranspose_MatchesNaiveReference(string engine, int m, int n, int k, bool transA, bool transB)
    {
        using var device = Open(engine);
        var a = Reference.Random(m * k, 1);
        var b = Reference.Random(k * n, 2);
        var c0 = Reference.Random(m * n, 3);
        var g = new GemmDescriptor { M = m, N = n, K = k, TransposeA = transA, TransposeB = transB, Alpha = 0.75f, Beta = 0.5f };

        var c = Run(device, g, a, b, c0);

        var expected = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    sum += (double)(transA ? a[(p * m) + i] : a[(i * k) + p]) * (transB ? b[(j * k) + p] : b[(p * n) + j]);
                }

                expected[(i * n) + j] = (0.75 * sum) + (0.5 * c0[(i * n) + j]);
            }
        }

        Reference.Close(expected, c, 1e-4 * Math.Sqrt(k));
    }

    [Theory]
    [InlineData("simd")]
    [InlineData("openblas")]
    public void Gemm_StridedBatchWithOffsetsAndLeadingDimensions_TouchesOnlyItsWindow(string engine)
    {
        using var device = Open(engine);
        const int m = 5, n = 9, k = 4, batches = 3, ldA = 6, ldB = 11, ldC = 12, offset = 7;
        const long strideA = (m * ldA) + 1, strideB = (k * ldB) + 2, strideC = m * ldC;
        var a = Reference.Random(offset + (int)(strideA * batches), 4);
        var b = Reference.Random(offset + (int)(strideB * batches), 5);
        var c0 = Enumerable.Repeat(float.NaN, offset + (int)(strideC * batches)).ToArray();
        var g = new GemmDescriptor
        {
            M = m, N = n, K = k, LdA = ldA, LdB = ldB, LdC = ldC, BatchCount = batches,
            StrideA = strideA, StrideB = strideB, StrideC = strideC, OffsetA = offset, OffsetB = offset, OffsetC = offset,
        };

        var c = Run(device, g, a, b, c0);

        for (var t = 0; t < batches; t++)
        {
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < ldC; j++)
                {
                    var index = offset + (t * strideC) + (i * ldC) + j;
                    if (j >= n)
                    {
                        Assert.True(float.IsNaN(c[index]), $"element outside C's window was written at batch {t} ({i},{j})");
                        continue;
                    }

                    double sum = 0, magnitude = 0;
                    for (var p = 0; p < k; p++)
                    {
                        var product = (double)a[offset + (t * strideA) + (i * ldA) + p] * b[offset + (t * strideB) + (p * ldB) + j];
                        sum += product;
                        magnitude += Math.Abs(product);
                    }

                    FloatAssert.Sum(sum, c[index], k, magnitude, $"batch {t} ({i},{j})");
                }
            }
        }
    }

    [Theory]
    [InlineData("simd", 1, 37, false, false)]
    [InlineData("openblas", 1, 37, false, false)]
    [InlineData("openblas", 1, 37, true, false)]
    [InlineData("openblas", 1, 37, false, true)]
    [InlineData("openblas", 1, 37, true, true)]
    [InlineData("openblas", 29, 1, false, false)]
    [InlineData("openblas", 29, 1, true, false)]
    [InlineData("openblas", 29, 1, false, true)]
    [InlineData("openblas", 29, 1, true, true)]
    public void Gemm_OneRowOrColumnWithLeadingDimensionsAndBetaZero_MatchesReferenceAndOverwritesNaN(string engine, int m, int n, bool transA, bool transB)
    {
        using var device = Open(engine);
        const int k = 45, pad = 3;
        var (aRows, aCols) = transA ? (k, m) : (m, k);
        var (bRows, bCols) = transB ? (n, k) : (k, n);
        int ldA = aCols + pad, ldB = bCols + pad, ldC = n + pad;
        var a = Reference.Random(aRows * ldA, 6);
        var b = Reference.Random(bRows * ldB, 7);
        var c0 = Enumerable.Repeat(float.NaN, m * ldC).ToArray();
        var g = new GemmDescriptor { M = m, N = n, K = k, TransposeA = transA, TransposeB = transB, Alpha = 1.5f, LdA = ldA, LdB = ldB, LdC = ldC };

        var c = Run(device, g, a, b, c0);

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < ldC; j++)
            {
                if (j >= n)
                {
                    Assert.True(float.IsNaN(c[(i * ldC) + j]), $"element outside C's window was written at ({i},{j})");
                    continue;
                }

                double sum = 0, magnitude = 0;
                for (var p = 0; p < k; p++)
                {
                    var product = (double)(transA ? a[(p * ldA) + i] : a[(i * ldA) + p]) * (transB ? b[(j * ldB) + p] : b[(p * ldB) + j]);
                    sum += product;
                    magnitude += Math.Abs(product);
                }

                FloatAssert.Sum(1.5 * sum, c[(i * ldC) + j], k, 1.5 * magnitude, $"({i},{j})");
            }
        }
    }

    [Fact]
    public void Create_Auto_LabelsTheEngineItsProbeChoseWithTheFigures()
    {
        var engine = CpuGemmEngine.Create("auto");

        Assert.Contains(engine.Name, (string[])["simd", "openblas"]);
        Assert.StartsWith(engine.Name + " (", engine.Selection, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownEngine_NamesTheChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => CpuGemmEngine.Create("mkl"));

        Assert.StartsWith("unknown CPU GEMM 'mkl'; use auto, simd or openblas", error.Message, StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, CpuDeviceProvider> Providers = new()
    {
        ["simd"] = new CpuDeviceProvider("simd"),
        ["openblas"] = new CpuDeviceProvider("openblas"),
    };

    private static CpuDevice Open(string engine) => (CpuDevice)Providers[engine].Open(0);

    private static float[] Run(CpuDevice device, in GemmDescriptor g, float[] a, float[] b, float[] c0)
    {
        using var da = device.Allocate(a.Length);
        using var db = device.Allocate(b.Length);
        using var dc = device.Allocate(c0.Length);
        device.Write<float>(da, a);
        device.Write<float>(db, b);
        device.Write<float>(dc, c0);
        device.Ops.Gemm(g, da, db, dc);
        var c = new float[c0.Length];
        device.Read<float>(dc, c);
        return c;
    }
}
