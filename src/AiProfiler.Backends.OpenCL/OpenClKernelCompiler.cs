using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>
/// Builds portable-dialect sources as OpenCL C programs for one device: the OpenCL prelude, then a <c>#line 1</c> so
/// the build log's line numbers are those of the caller's source. NVIDIA's OpenCL compiler ignores <c>#line</c> and
/// names the program <c>&lt;kernel&gt;</c> (seen on an H200, driver 580), so its line numbers are shifted back by the
/// prelude's length (<see cref="SourceLines"/>). Programs are cached per (source, options); the
/// compiler owns the programs and the kernels it hands out and releases them when the device is disposed.
/// </summary>
internal sealed unsafe partial class OpenClKernelCompiler : IKernelCompiler, IDisposable
{
    private static readonly string Header = PortableKernelDialect.OpenCLPrelude + "\n#line 1 \"source\"\n";

    /// <summary>Lines before the caller's first line in the program text.</summary>
    private static readonly int HeaderLines = Header.Count(c => c == '\n');

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
    public static string Translate(string source) => Header + source;

    /// <summary>
    /// The build log with lines of the whole program (<c>&lt;kernel&gt;:N:</c>, from a compiler that ignores
    /// <c>#line</c>) written as lines of the caller's source (<c>source:M:</c>); lines inside the prelude stay as they are.
    /// </summary>
    public static string SourceLines(string log) => ProgramLine().Replace(log, m =>
    {
        var line = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) - HeaderLines;
        return line >= 1 ? string.Create(CultureInfo.InvariantCulture, $"source:{line}:") : m.Value;
    });

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
            var log = SourceLines(BuildLog(program, device));
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

    [GeneratedRegex(@"<kernel>:(\d+):")]
    private static partial Regex ProgramLine();
}
