using System.Text;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>
/// Builds portable-dialect sources as OpenCL C programs for one device: the OpenCL prelude, then a <c>#line 1</c> so
/// the build log's line numbers are those of the caller's source. Programs are cached per (source, options); the
/// compiler owns the programs and the kernels it hands out and releases them when the device is disposed.
/// </summary>
internal sealed unsafe class OpenClKernelCompiler : IKernelCompiler, IDisposable
{
    private readonly OpenClDevice _device;
    private readonly Dictionary<(string Source, string Options), ClProgramHandle> _programs = [];
    private readonly List<OpenClKernel> _kernels = [];
    private bool _disposed;

    public OpenClKernelCompiler(OpenClDevice device)
    {
        _device = device;
    }

    /// <summary>Programs built so far (each distinct source and options once).</summary>
    internal int ProgramCount => _programs.Count;

    /// <summary>The text handed to the OpenCL compiler for <paramref name="source"/>.</summary>
    public static string Translate(string source) => PortableKernelDialect.OpenCLPrelude + "\n#line 1 \"source\"\n" + source;

    public IKernel Compile(string source, string kernelName, string? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(kernelName);
        var key = (source, options ?? "");
        if (!_programs.TryGetValue(key, out var program))
        {
            program = Build(source, key.Item2, kernelName);
            _programs.Add(key, program);
        }

        var name = Encoding.UTF8.GetBytes(kernelName + "\0");
        int status;
        ClKernelHandle handle;
        fixed (byte* n = name)
        {
            handle = OpenClNative.clCreateKernel(program, n, &status);
        }

        if (status != ClConstants.Success)
        {
            handle.Dispose();
            if (status is ClConstants.InvalidKernelName)
            {
                throw new KernelCompilationException(kernelName, $"error: the source has no kernel named '{kernelName}' (declare it with KERNEL void {kernelName}(...))");
            }

            throw new OpenClException("clCreateKernel", status);
        }

        var kernel = new OpenClKernel(_device, handle, kernelName);
        _kernels.Add(kernel);
        return kernel;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var kernel in _kernels)
        {
            kernel.Dispose();
        }

        foreach (var program in _programs.Values)
        {
            program.Dispose();
        }

        _kernels.Clear();
        _programs.Clear();
    }

    private ClProgramHandle Build(string source, string options, string kernelName)
    {
        var text = Encoding.UTF8.GetBytes(Translate(source));
        int status;
        ClProgramHandle program;
        fixed (byte* t = text)
        {
            var strings = t;
            var length = (nuint)text.Length;
            program = OpenClNative.clCreateProgramWithSource(_device.Context, 1, &strings, &length, &status);
        }

        if (status != ClConstants.Success)
        {
            program.Dispose();
            throw new OpenClException("clCreateProgramWithSource", status);
        }

        var device = _device.DeviceId;
        var optionBytes = Encoding.UTF8.GetBytes(options + "\0");
        fixed (byte* o = optionBytes)
        {
            status = OpenClNative.clBuildProgram(program, 1, &device, o, 0, 0);
        }

        if (status != ClConstants.Success)
        {
            var log = BuildLog(program, device);
            program.Dispose();
            if (status is ClConstants.BuildProgramFailure)
            {
                throw new KernelCompilationException(kernelName, log);
            }

            throw new OpenClException("clBuildProgram", status, $"clBuildProgram failed: {ClErrors.Name(status)} ({status}) building kernel '{kernelName}'; {log.Trim()}");
        }

        return program;
    }

    private static string BuildLog(ClProgramHandle program, nint device)
    {
        nuint size;
        if (OpenClNative.clGetProgramBuildInfo(program, device, ClConstants.ProgramBuildLog, 0, null, &size) != ClConstants.Success || size == 0)
        {
            return "";
        }

        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
        {
            if (OpenClNative.clGetProgramBuildInfo(program, device, ClConstants.ProgramBuildLog, size, b, null) != ClConstants.Success)
            {
                return "";
            }
        }

        return ClInfo.Decode(bytes);
    }
}
