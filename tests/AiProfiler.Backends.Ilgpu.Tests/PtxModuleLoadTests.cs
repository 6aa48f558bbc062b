using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Cuda;
using AiProfiler.Backends.Cuda.Kernels;
using AiProfiler.Backends.Cuda.Tests.FakeCuda;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>
/// ILGPU's PTX for every bundled kernel loads through the CUDA backend's own module path (cuModuleLoadData, then
/// cuModuleGetFunction by the entry name ILGPU gives it), here against the fake CUDA library, which checks the PTX
/// header and finds entry points as the driver does; tampered PTX fails with the backend's one-line error.
/// </summary>
[Collection(FakeCudaCollection.Name)]
public sealed class PtxModuleLoadTests : IDisposable
{
    private const string Sample = "ElementKernels.Axpby";

    private readonly IDevice _device = new CudaDeviceProvider(FakeCudaLibrary.Names).Open(0);

    public static TheoryData<string> Kernels() => IlgpuPtx.KernelNames();

    [Theory]
    [MemberData(nameof(Kernels))]
    public void LoadPtx_IlgpuKernel_LoadsAModuleAndFindsItsEntry(string kernel)
    {
        var (ptx, entry) = IlgpuPtx.Compile(kernel);
        var before = FakeCudaLibrary.LiveObjects;

        var loaded = Compiler.LoadPtx(ptx, entry);

        Assert.Equal(entry, loaded.Name);
        Assert.Equal(before + 1, FakeCudaLibrary.LiveObjects);
        Assert.Same(loaded, Compiler.LoadPtx(ptx, entry));
        Assert.Equal(before + 1, FakeCudaLibrary.LiveObjects);
    }

    [Fact]
    public void LoadPtx_EntryRenamed_NamesTheMissingEntry()
    {
        var (ptx, entry) = IlgpuPtx.Compile(Sample);
        var renamed = ptx.Replace($".entry {entry}(", $".entry {entry}_v2(", StringComparison.Ordinal);

        var error = Assert.Throws<KernelCompilationException>(() => Compiler.LoadPtx(renamed, entry));

        Assert.Equal($"kernel '{entry}' failed to compile: error: the PTX has no entry point named '{entry}' (.entry {entry}(...))", error.Message);
    }

    [Theory]
    [InlineData(".version", "", "cuModuleLoadData failed: CUDA_ERROR_INVALID_IMAGE (invalid kernel image)")]
    [InlineData(".target", "", "cuModuleLoadData failed: CUDA_ERROR_INVALID_PTX (PTX JIT compilation failed)")]
    [InlineData(".address_size", ".address_size 32", "cuModuleLoadData failed: CUDA_ERROR_INVALID_PTX (PTX JIT compilation failed)")]
    [InlineData(".version", ".version 9.9", "cuModuleLoadData failed: CUDA_ERROR_UNSUPPORTED_PTX_VERSION (the PTX is newer than the driver supports; update the NVIDIA driver)")]
    public void LoadPtx_HeaderLineTampered_FailsWithTheDriverError(string directive, string replacement, string expected)
    {
        var (ptx, entry) = IlgpuPtx.Compile(Sample);
        var lines = ptx.Split('\n');
        var index = Array.FindIndex(lines, l => l.StartsWith(directive + " ", StringComparison.Ordinal));
        Assert.True(index >= 0, $"ILGPU's PTX has no {directive} line");
        lines[index] = replacement;

        var error = Assert.Throws<CudaException>(() => Compiler.LoadPtx(string.Join('\n', lines), entry));

        Assert.Equal(expected, error.Message);
    }

    public void Dispose() => _device.Dispose();

    private NvrtcKernelCompiler Compiler => (NvrtcKernelCompiler)_device.Kernels!;
}
