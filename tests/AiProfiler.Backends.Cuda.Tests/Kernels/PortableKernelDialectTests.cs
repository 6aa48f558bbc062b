using System.Diagnostics;
using System.Text.RegularExpressions;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Kernels;

namespace AiProfiler.Backends.Cuda.Tests.Kernels;

/// <summary>The CUDA side of the portable dialect, checked without NVRTC.</summary>
public sealed class PortableKernelDialectTests
{
    /// <summary>Uses every macro of the dialect once.</summary>
    private const string SampleKernel = """
        DEVICE_FN float twice(LOCAL_PTR float* p, int i) { return 2.0f * p[i]; }

        KERNEL void sample(GLOBAL float* x, GLOBAL float* total, float a, INT64 n)
        {
            LOCAL float tile[64];
            int i = GLOBAL_ID(0);
            tile[LOCAL_ID(0)] = i < n ? x[i] : NEG_INF;
            BARRIER();
            float v = EXP(tile[LOCAL_ID(0)]) + LOG(a) + SQRT(a) + RSQRT(a) + TANH(a) + FMAX(a, 0.5f) + FMIN(a, 1.0f) + FABS(a) + POW(a, 2.0f);
            v += twice(tile, LOCAL_ID(0)) + (float)(GROUP_ID(1) + LOCAL_SIZE(2) + NUM_GROUPS(0));
            v += UINT_AS_FLOAT(FLOAT_AS_UINT(v) & 0xffff0000u);
            if (i < n) { ATOMIC_ADD_F(total, v); }
        }
        """;

    /// <summary>Identifiers only OpenCL C knows (matched as whole words).</summary>
    private static readonly string[] OpenClOnly =
        ["__kernel", "kernel", "__global", "global", "__local", "local", "get_global_id", "get_local_id", "get_group_id", "barrier", "CLK_LOCAL_MEM_FENCE", "as_uint", "as_float", "atomic_cmpxchg"];

    [Fact]
    public void Preludes_DefineTheSameMacros() =>
        Assert.Equal(
            new CPreprocessor(PortableKernelDialect.OpenCLPrelude).Names.Order(StringComparer.Ordinal),
            new CPreprocessor(PortableKernelDialect.CudaPrelude).Names.Order(StringComparer.Ordinal));

    [Fact]
    public void CudaPrelude_ExpandsTheQualifiersToCuda()
    {
        var cuda = Expanded(SampleKernel);

        Assert.Contains("extern \"C\" __global__ void sample( float* x, float* total, float a, long long n)", cuda, StringComparison.Ordinal);
        Assert.Contains("__device__ __forceinline__ float twice( float* p, int i)", cuda, StringComparison.Ordinal);
        Assert.Contains("__shared__ float tile[64];", cuda, StringComparison.Ordinal);
        Assert.Contains("__syncthreads();", cuda, StringComparison.Ordinal);
        Assert.Contains("atomicAdd((total), (v));", cuda, StringComparison.Ordinal);
        Assert.Contains("__uint_as_float(__float_as_uint(v) & 0xffff0000u)", cuda, StringComparison.Ordinal);
    }

    [Fact]
    public void CudaPrelude_ExpandsIndicesToBlockAndThreadCoordinates()
    {
        var cuda = Expanded(SampleKernel);

        Assert.Contains(
            "int i = (aip_dim3(blockIdx.x, blockIdx.y, blockIdx.z, 0) * aip_dim3(blockDim.x, blockDim.y, blockDim.z, 0) + aip_dim3(threadIdx.x, threadIdx.y, threadIdx.z, 0));",
            cuda, StringComparison.Ordinal);
        Assert.Contains("aip_dim3(blockIdx.x, blockIdx.y, blockIdx.z, 1) + aip_dim3(blockDim.x, blockDim.y, blockDim.z, 2) + aip_dim3(gridDim.x, gridDim.y, gridDim.z, 0)", cuda, StringComparison.Ordinal);
    }

    [Fact]
    public void CudaPrelude_ExpandsMathToTheFloatFunctions()
    {
        var cuda = Expanded(SampleKernel);

        Assert.Contains("expf(tile[aip_dim3(threadIdx.x, threadIdx.y, threadIdx.z, 0)]) + logf(a) + sqrtf(a) + rsqrtf(a) + tanhf(a) + fmaxf(a, 0.5f) + fminf(a, 1.0f) + fabsf(a) + powf(a, 2.0f)", cuda, StringComparison.Ordinal);
        Assert.Contains("x[i] : (-__int_as_float(0x7f800000))", cuda, StringComparison.Ordinal);
    }

    [Fact]
    public void CudaPrelude_LeavesNoDialectMacroAndNoOpenClName()
    {
        var preprocessor = new CPreprocessor(PortableKernelDialect.CudaPrelude);
        var cuda = preprocessor.Expand(SampleKernel);

        foreach (var macro in preprocessor.Names)
        {
            Assert.DoesNotMatch($@"\b{Regex.Escape(macro)}\b", cuda);
        }

        Assert.All(OpenClOnly, name => Assert.DoesNotMatch($@"\b{name}\b", cuda));
        Assert.All(OpenClOnly, name => Assert.DoesNotMatch($@"\b{name}\b", PortableKernelDialect.CudaPrelude));
    }

    [Fact]
    public void CudaPrelude_WithAKernel_IsValidCxxForAHostCompiler()
    {
        // NVRTC compiles C++; g++ with empty CUDA qualifiers and declared built-ins checks everything but the device
        // semantics: that the expansion parses, types check and the kernel has C linkage.
        var errors = CompileWithHostCompiler(PortableKernelDialect.CudaPrelude + "\n" + SampleKernel);
        Assert.True(errors.Length == 0, errors);
    }

    [Fact]
    public void PortableKernels_WithTheCudaPrelude_AreValidCxxForAHostCompiler()
    {
        var errors = CompileWithHostCompiler(PortableKernelDialect.CudaPrelude + "\n#line 1 \"kernels.cu\"\n" + PortableKernels.Source);
        Assert.True(errors.Length == 0, errors);
    }

    [Fact]
    public void PortableKernels_ExpandedForCuda_UseNoDialectMacroAndNoOpenClName()
    {
        var preprocessor = new CPreprocessor(PortableKernelDialect.CudaPrelude);
        var code = Regex.Replace(PortableKernels.Source, @"/\*.*?\*/|//[^\n]*", " ", RegexOptions.Singleline);
        var cuda = preprocessor.Expand(code);

        Assert.All(preprocessor.Names, macro => Assert.DoesNotMatch($@"\b{Regex.Escape(macro)}\b", cuda));
        Assert.All(OpenClOnly, name => Assert.DoesNotMatch($@"\b{name}\b", cuda));
        Assert.DoesNotContain("#include", cuda, StringComparison.Ordinal);
    }

    [Fact]
    public void HostCompilerCheck_KernelWithASyntaxError_ReportsTheLine()
    {
        var errors = CompileWithHostCompiler(PortableKernelDialect.CudaPrelude + "\n#line 1 \"broken.cu\"\nKERNEL void broken(GLOBAL float* x) { x[0] = 1.0f }\n");
        Assert.Contains("broken.cu:1", errors, StringComparison.Ordinal);
    }

    private static string Expanded(string source) =>
        Regex.Replace(new CPreprocessor(PortableKernelDialect.CudaPrelude).Expand(source), @"[ \t]+", " ");

    /// <summary>Runs <c>g++ -fsyntax-only</c> over CUDA source with a shim for CUDA's built-ins; returns its errors.</summary>
    internal static string CompileWithHostCompiler(string cudaSource)
    {
        const string shim = """
            #include <math.h>
            #define __global__
            #define __device__
            #define __forceinline__ inline
            #define __shared__ static
            struct aip_cuda_uint3 { unsigned int x, y, z; };
            extern const aip_cuda_uint3 threadIdx, blockIdx, blockDim, gridDim;
            void __syncthreads();
            float atomicAdd(float* address, float value);
            float __int_as_float(int bits);
            unsigned int __float_as_uint(float value);
            float __uint_as_float(unsigned int bits);
            float rsqrtf(float value);
            """;
        var directory = Directory.CreateTempSubdirectory("aiprofiler-cuda-cxx-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "cuda_shim.h"), shim);
            File.WriteAllText(Path.Combine(directory.FullName, "kernel.cu"), cudaSource);
            var start = new ProcessStartInfo("g++", ["-std=c++17", "-fsyntax-only", "-x", "c++", "-include", "cuda_shim.h", "kernel.cu"])
            {
                WorkingDirectory = directory.FullName,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("g++ did not start");
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill();
                return "g++ did not finish within two minutes";
            }

            return process.ExitCode == 0 ? "" : errors.Result;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"g++ is needed for this check (Debian package g++): {e.Message}";
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
