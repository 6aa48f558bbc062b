namespace AiProfiler.Abstractions.Kernels;

/// <summary>A kernel failed to compile; the message names the kernel and quotes the compiler's first error line.</summary>
public sealed class KernelCompilationException : Exception
{
    /// <summary>Creates the exception from the kernel name and the compiler's full log.</summary>
    public KernelCompilationException(string kernelName, string compilerLog)
        : base($"kernel '{kernelName}' failed to compile: {FirstErrorLine(compilerLog)}")
    {
        KernelName = kernelName;
        CompilerLog = compilerLog;
    }

    /// <summary>Creates an exception with a default message.</summary>
    public KernelCompilationException()
        : base("kernel failed to compile")
    {
        KernelName = "";
        CompilerLog = "";
    }

    /// <summary>Creates the exception with a message.</summary>
    public KernelCompilationException(string message)
        : base(message)
    {
        KernelName = "";
        CompilerLog = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public KernelCompilationException(string message, Exception innerException)
        : base(message, innerException)
    {
        KernelName = "";
        CompilerLog = "";
    }

    /// <summary>The kernel that was asked for.</summary>
    public string KernelName { get; }

    /// <summary>The compiler's complete log.</summary>
    public string CompilerLog { get; }

    private static string FirstErrorLine(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))
            ?? lines.FirstOrDefault()
            ?? "(the compiler gave no log)";
    }
}
