using System.Runtime.InteropServices;
using System.Text;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Kernels;

/// <summary>
/// Compiles portable-dialect kernels with NVRTC to PTX for the device's compute capability and loads them with
/// cuModuleLoadData (the driver JIT-compiles the PTX for the exact GPU); PTX generated elsewhere takes the same load
/// path. Modules are cached per source and options (or per PTX), kernels per module and name.
/// </summary>
internal sealed unsafe class NvrtcKernelCompiler : IKernelCompiler, IDisposable
{
    /// <summary>The file name NVRTC's messages give the source.</summary>
    internal const string ProgramName = "kernel.cu";

    private readonly CudaDevice _device;
    private readonly int _architecture;
    private readonly Dictionary<string, CudaModuleHandle> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Module, string Kernel), CudaKernel> _kernels = [];
    private readonly Lock _lock = new();

    internal NvrtcKernelCompiler(CudaDevice device, int architecture)
    {
        _device = device;
        _architecture = architecture;
    }

    /// <summary>The virtual architecture kernels are compiled for, e.g. 90 for compute_90.</summary>
    internal int Architecture => _architecture;

    public IKernel Compile(string source, string kernelName, string? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(kernelName);
        return Kernel(
            $"{options}\n{source}",
            kernelName,
            () => Translate(source, kernelName, options),
            $"error: the source has no kernel named '{kernelName}' (declare it with KERNEL void {kernelName}(...))");
    }

    /// <summary>
    /// Loads PTX that another compiler generated (ILGPU's PTX backend, for one) through the same module cache and
    /// cuModuleLoadData call as compiled kernels, and returns its entry point <paramref name="entryName"/>.
    /// </summary>
    internal IKernel LoadPtx(string ptx, string entryName)
    {
        ArgumentNullException.ThrowIfNull(ptx);
        ArgumentException.ThrowIfNullOrWhiteSpace(entryName);

        // The NUL cannot occur in options or source text, so PTX never shares a cache key with a compiled source.
        return Kernel(
            $"\0ptx\n{ptx}",
            entryName,
            () => Encoding.UTF8.GetBytes(ptx + '\0'),
            $"error: the PTX has no entry point named '{entryName}' (.entry {entryName}(...))");
    }

    private CudaKernel Kernel(string key, string kernelName, Func<byte[]> image, string notFound)
    {
        lock (_lock)
        {
            if (_kernels.TryGetValue((key, kernelName), out var cached))
            {
                return cached;
            }

            if (!_modules.TryGetValue(key, out var module))
            {
                module = Load(image());
                _modules.Add(key, module);
            }

            _device.MakeCurrent();
            var result = CudaDriverApi.cuModuleGetFunction(out var function, module.DangerousGetHandle(), kernelName);
            if (result == CuResult.ErrorNotFound)
            {
                throw new KernelCompilationException(kernelName, notFound);
            }

            CudaCheck.Driver(result, nameof(CudaDriverApi.cuModuleGetFunction));
            var kernel = new CudaKernel(_device, kernelName, function);
            _kernels.Add((key, kernelName), kernel);
            return kernel;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _kernels.Clear();
            foreach (var module in _modules.Values)
            {
                module.Dispose();
            }

            _modules.Clear();
        }
    }

    private byte[] Translate(string source, string kernelName, string? options)
    {
        var text = NvrtcOptions.ComposeSource(PortableKernelDialect.CudaPrelude, source, ProgramName);
        CudaCheck.Nvrtc(NvrtcApi.nvrtcCreateProgram(out var program, text, ProgramName, 0, null, null), nameof(NvrtcApi.nvrtcCreateProgram));
        try
        {
            var result = CompileProgram(program, NvrtcOptions.Build(_architecture, options));
            if (result != NvrtcResult.Success)
            {
                var log = ProgramLog(program);
                throw new KernelCompilationException(kernelName,
                    $"{log}\nerror: nvrtcCompileProgram returned {CudaErrorText.DescribeNvrtc((int)result, CudaErrorText.FromNvrtc)}");
            }

            CudaCheck.Nvrtc(NvrtcApi.nvrtcGetPTXSize(program, out var size), nameof(NvrtcApi.nvrtcGetPTXSize));
            var ptx = new byte[checked((int)size)];
            fixed (byte* p = ptx)
            {
                CudaCheck.Nvrtc(NvrtcApi.nvrtcGetPTX(program, p), nameof(NvrtcApi.nvrtcGetPTX));
            }

            return ptx;
        }
        finally
        {
            NvrtcApi.nvrtcDestroyProgram(ref program);
        }
    }

    private static NvrtcResult CompileProgram(nint program, IReadOnlyList<string> options)
    {
        var encoded = options.Select(o => Marshal.StringToCoTaskMemUTF8(o)).ToArray();
        try
        {
            fixed (nint* pointers = encoded)
            {
                return NvrtcApi.nvrtcCompileProgram(program, encoded.Length, (byte**)pointers);
            }
        }
        finally
        {
            foreach (var pointer in encoded)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static string ProgramLog(nint program)
    {
        if (NvrtcApi.nvrtcGetProgramLogSize(program, out var size) != NvrtcResult.Success || size <= 1)
        {
            return "";
        }

        var log = new byte[checked((int)size)];
        fixed (byte* p = log)
        {
            if (NvrtcApi.nvrtcGetProgramLog(program, p) != NvrtcResult.Success)
            {
                return "";
            }
        }

        // The size includes the terminating NUL.
        return Encoding.UTF8.GetString(log, 0, log.Length - 1);
    }

    private CudaModuleHandle Load(byte[] ptx)
    {
        _device.MakeCurrent();
        nint module;
        fixed (byte* image = ptx)
        {
            CudaCheck.Driver(CudaDriverApi.cuModuleLoadData(out module, image), nameof(CudaDriverApi.cuModuleLoadData));
        }

        return new CudaModuleHandle(_device.Context, module);
    }
}
