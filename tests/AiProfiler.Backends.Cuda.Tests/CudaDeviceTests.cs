using System.Text.RegularExpressions;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Cuda.Tests.FakeCuda;
using AiProfiler.Kernels;

namespace AiProfiler.Backends.Cuda.Tests;

/// <summary>
/// The device end to end through the real bindings, against the fake CUDA library (fake_cuda.c): an "A100-like"
/// device with 1 GiB, host memory as device memory, a kernel named <c>scale</c> that really runs, and BLAS's
/// column-major SGEMM.
/// </summary>
[Collection(FakeCudaCollection.Name)]
public sealed class CudaDeviceTests
{
    private const string ScaleKernel = """
        KERNEL void scale(GLOBAL float* x, float a, INT64 n)
        {
            int i = GLOBAL_ID(0);
            if (i < n) { x[i] = a * x[i]; }
        }
        """;

    [Fact]
    public void Discover_FakeDriver_ListsTheDeviceWithItsProperties()
    {
        var discovery = new CudaDeviceProvider(FakeCudaLibrary.Names).Discover();

        Assert.Null(discovery.UnavailableReason);
        var device = Assert.Single(discovery.Devices);
        Assert.Equal("cuda:0", device.Id);
        Assert.Equal("AiProfiler Fake GPU", device.Name);
        Assert.Equal(1L << 30, device.MemoryBytes);
        Assert.Equal(108, device.ComputeUnits);
        Assert.Equal("CUDA 12.6", device.DriverVersion);
        Assert.Equal(19.5e12, device.PeakFlopsPerSecond, 0.01 * 19.5e12);
        Assert.Equal(1555e9, device.PeakBandwidthBytesPerSecond, 0.01 * 1555e9);
    }

    [Fact]
    public void Allocate_NewBuffer_IsZeroFilledAndRoundTripsWrites()
    {
        using var device = Open();
        using var buffer = device.Allocate(8);
        var read = new float[8];
        Array.Fill(read, float.NaN);

        device.Read<float>(buffer, read);
        Assert.All(read, v => Assert.Equal(0f, v));

        device.Write<float>(buffer, [1f, 2f, 3f], offset: 5);
        device.Read<float>(buffer, read);
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 1f, 2f, 3f], read);
    }

    [Fact]
    public void Write_PastTheEnd_IsRefusedBeforeAnyCopy()
    {
        using var device = Open();
        using var buffer = device.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => device.Write<float>(buffer, [1f, 2f], offset: 3));
        Assert.Equal("buffer 'destination' holds 4 elements but elements 3 to 5 were asked for; check the offset and count (Parameter 'destination')", error.Message);
    }

    [Fact]
    public void Allocate_MoreThanFreeMemory_IsRefusedWithTheSizeAndTheLimit()
    {
        using var device = Open();
        using var held = device.Allocate(64L << 20);

        var error = Assert.Throws<InsufficientDeviceMemoryException>(() => device.Allocate(256L << 20));
        Assert.Equal("needs 1 GiB but device 'cuda:0' has 768 MiB free; choose smaller sizes or another device", error.Message);
        Assert.Equal((1L << 30) - (256L << 20), device.AvailableMemoryBytes);
    }

    [Fact]
    public void Dispose_DeviceBeforeItsBuffers_ReleasesEverythingOnceTheBuffersGo()
    {
        var before = FakeCudaLibrary.LiveObjects;
        var device = Open();
        var buffer = device.Allocate(16);
        var timer = device.CreateTimer();
        device.Kernels!.Compile(ScaleKernel, "scale");

        device.Dispose();
        Assert.True(FakeCudaLibrary.LiveObjects > before, "the buffer and the timer still hold the context");

        buffer.Dispose();
        timer.Dispose();
        Assert.Equal(before, FakeCudaLibrary.LiveObjects);
    }

    [Fact]
    public void CreateTimer_StartThenStop_MeasuresTheInterval()
    {
        using var device = Open();
        using var timer = device.CreateTimer();

        timer.Start();
        Thread.Sleep(20);
        timer.Stop();

        Assert.InRange(timer.ElapsedSeconds, 0.015, 60);
    }

    [Fact]
    public void Kernel_CompiledAndLaunched_RunsOnTheGridWithItsArguments()
    {
        using var device = Open();
        using var x = device.Allocate(100);
        device.Write<float>(x, Enumerable.Range(0, 100).Select(i => (float)i).ToArray());

        var kernel = device.Kernels!.Compile(ScaleKernel, "scale");
        kernel.Launch(new KernelRange(128), new KernelRange(64), KernelArgument.Of(x), KernelArgument.Of(2.5f), KernelArgument.Of(100L));

        Assert.Equal([2u, 1u, 1u, 64u, 1u, 1u], FakeCudaLibrary.LastLaunch());
        var result = new float[100];
        device.Read<float>(x, result);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => 2.5f * i), result);
    }

    [Fact]
    public void Kernel_SameSourceTwice_IsCompiledOnce()
    {
        using var device = Open();
        var before = FakeCudaLibrary.CompileCount;

        var first = device.Kernels!.Compile(ScaleKernel, "scale");
        var second = device.Kernels.Compile(ScaleKernel, "scale");

        Assert.Same(first, second);
        Assert.Equal(before + 1, FakeCudaLibrary.CompileCount);
    }

    [Fact]
    public void Kernel_SyntaxError_NamesTheKernelAndQuotesTheCompilersLine()
    {
        using var device = Open();
        const string broken = "KERNEL void broken(GLOBAL float* x)\n{\n    x[0] = syntax_error;\n}\n";

        var error = Assert.Throws<KernelCompilationException>(() => device.Kernels!.Compile(broken, "broken"));

        Assert.Equal("kernel 'broken' failed to compile: kernel.cu(3): error: identifier \"syntax_error\" is undefined", error.Message);
        Assert.Contains("1 error detected", error.CompilerLog, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_NameNotInTheSource_SaysSo()
    {
        using var device = Open();

        var error = Assert.Throws<KernelCompilationException>(() => device.Kernels!.Compile(ScaleKernel, "scal"));
        Assert.Equal("kernel 'scal' failed to compile: error: the source has no kernel named 'scal' (declare it with KERNEL void scal(...))", error.Message);
    }

    [Fact]
    public void Kernels_LibrarySource_EveryKernelIsFoundInOneCompilation()
    {
        using var device = Open();
        var before = FakeCudaLibrary.CompileCount;
        var names = Regex.Matches(PortableKernels.Source, @"KERNEL\s+void\s+(\w+)\s*\(").Select(m => m.Groups[1].Value).ToArray();

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Equal(name, device.Kernels!.Compile(PortableKernels.Source, name).Name));
        Assert.Equal(before + 1, FakeCudaLibrary.CompileCount);
    }

    [Theory]
    [InlineData(false, false, 1)]
    [InlineData(true, false, 1)]
    [InlineData(false, true, 1)]
    [InlineData(true, true, 3)]
    public void Gemm_RowMajorRequest_MatchesTheRowMajorProduct(bool transposeA, bool transposeB, int batches)
    {
        using var device = Open();
        var gemm = new GemmDescriptor
        {
            M = 3, N = 5, K = 4, TransposeA = transposeA, TransposeB = transposeB, Alpha = 2f, Beta = 0.5f,
            LdA = (transposeA ? 3 : 4) + 1, LdB = (transposeB ? 4 : 5) + 2, LdC = 6,
            BatchCount = batches, StrideA = 40, StrideB = 50, StrideC = 30, OffsetA = 2, OffsetB = 1, OffsetC = 3,
        };

        var (result, expected) = RunGemm(device, gemm, device.Ops.Gemm);

        Assert.Equal("cublas", device.Ops.GemmImplementation);
        Assert.Equal(expected.Length, result.Length);
        for (var i = 0; i < result.Length; i++)
        {
            // Inputs are quarters in [-2, 2] (|a·b| <= 4), alpha 2, beta 0.5: an fp32 sum of K = 4 products.
            FloatAssert.Close(expected[i], result[i], 2 * FloatAssert.SumBound(gemm.K + 1, (gemm.K * 4 * 2) + (0.5 * 2), expected[i]), $"element {i}");
        }
    }

    [Fact]
    public void Gemm_EmptyInnerDimension_OnlyScalesC()
    {
        using var device = Open();

        var (result, expected) = RunGemm(device, new GemmDescriptor { M = 3, N = 4, K = 0, Alpha = 1f, Beta = 0.5f }, device.Ops.Gemm);

        Assert.Equal(expected, result);
    }

    [Fact]
    public void Gemm_Tf32Provider_GoesThroughGemmExWithFastTf32()
    {
        // The fake's GemmEx computes only for fp32 data with CUBLAS_COMPUTE_32F_FAST_TF32 and the default algorithm.
        using var device = (CudaDevice)new CudaDeviceProvider(FakeCudaLibrary.Names, useTf32ForFp32Gemm: true).Open(0);
        var gemm = new GemmDescriptor { M = 4, N = 3, K = 5, BatchCount = 2, StrideA = 20, StrideB = 15, StrideC = 12 };

        var (result, expected) = RunGemm(device, gemm, device.Ops.Gemm);

        Assert.Equal("cublas-tf32", device.Ops.GemmImplementation);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void Gemm_Int32_IsNotSupportedWithTheTypesThatAre()
    {
        using var device = Open();
        Assert.True(device.Ops.SupportsGemm(DataType.Float16));
        Assert.True(device.Ops.SupportsGemm(DataType.BFloat16));
        Assert.False(device.Ops.SupportsGemm(DataType.Int32));
        using var a = device.Allocate(4, DataType.Int32);

        var error = Assert.Throws<NotSupportedException>(() =>
            device.Ops.Gemm(new GemmDescriptor { M = 2, N = 2, K = 1, Type = DataType.Int32 }, a, a, a));
        Assert.Contains("i32", error.Message, StringComparison.Ordinal);
    }

    private static CudaDevice Open() => (CudaDevice)new CudaDeviceProvider(FakeCudaLibrary.Names).Open(0);

    private delegate void GemmCall(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c);

    private static (float[] Result, float[] Expected) RunGemm(CudaDevice device, GemmDescriptor g, GemmCall gemm)
    {
        const int length = 160;
        var random = new Random(7);
        float[] Data() => Enumerable.Range(0, length).Select(_ => (float)random.Next(-8, 9) / 4).ToArray();
        var (a, b, c) = (Data(), Data(), Data());
        var expected = (float[])c.Clone();
        for (var batch = 0; batch < g.BatchCount; batch++)
        {
            for (var i = 0; i < g.M; i++)
            {
                for (var j = 0; j < g.N; j++)
                {
                    var sum = 0f;
                    for (var p = 0; p < g.K; p++)
                    {
                        var av = a[g.OffsetA + (batch * g.StrideA) + (g.TransposeA ? (p * g.EffectiveLdA) + i : (i * g.EffectiveLdA) + p)];
                        var bv = b[g.OffsetB + (batch * g.StrideB) + (g.TransposeB ? (j * g.EffectiveLdB) + p : (p * g.EffectiveLdB) + j)];
                        sum += av * bv;
                    }

                    var index = g.OffsetC + (batch * g.StrideC) + (i * g.EffectiveLdC) + j;
                    expected[index] = (g.Alpha * sum) + (g.Beta * expected[index]);
                }
            }
        }

        using var bufferA = device.Allocate(length);
        using var bufferB = device.Allocate(length);
        using var bufferC = device.Allocate(length);
        device.Write<float>(bufferA, a);
        device.Write<float>(bufferB, b);
        device.Write<float>(bufferC, c);
        gemm(g, bufferA, bufferB, bufferC);
        var result = new float[length];
        device.Read<float>(bufferC, result);
        return (result, expected);
    }
}
