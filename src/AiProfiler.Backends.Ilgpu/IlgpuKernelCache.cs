using System.Reflection;
using AiProfiler.Abstractions.Kernels;
using ILGPU.Runtime;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// The launchers of one accelerator's kernels, compiled on first use and kept for the device's lifetime. A kernel ILGPU
/// cannot compile becomes a <see cref="KernelCompilationException"/> naming it, with ILGPU's message on one line.
/// </summary>
internal sealed class IlgpuKernelCache(Accelerator accelerator)
{
    private readonly Dictionary<(string Name, MethodInfo Load), Delegate> _launchers = [];
    private readonly Lock _gate = new();

    /// <summary>How many kernels were compiled (each once).</summary>
    public int CompiledCount
    {
        get
        {
            lock (_gate)
            {
                return _launchers.Count;
            }
        }
    }

    public TLauncher Get<TLauncher>(string kernelName, Func<Accelerator, TLauncher> load)
        where TLauncher : Delegate
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kernelName);
        ArgumentNullException.ThrowIfNull(load);
        lock (_gate)
        {
            var key = (kernelName, load.Method);
            if (_launchers.TryGetValue(key, out var cached))
            {
                return (TLauncher)cached;
            }

            TLauncher launcher;
            try
            {
                launcher = load(accelerator);
            }
#pragma warning disable CA1031 // ILGPU reports unsupported code with many exception types; each becomes one line naming the kernel.
            catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                throw new KernelCompilationException(kernelName, OneLine(e));
            }

            _launchers.Add(key, launcher);
            return launcher;
        }
    }

    /// <summary>ILGPU's message and those of its inner exceptions, joined on one line.</summary>
    internal static string OneLine(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            parts.Add(current.Message.ReplaceLineEndings(" ").Trim());
        }

        return string.Join(": ", parts.Distinct(StringComparer.Ordinal));
    }
}
