using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Asks Linux for transparent huge pages on large buffers (<c>madvise(MADV_HUGEPAGE)</c>; distributions default THP
/// to "madvise"). Streaming a weight matrix through 4 KiB pages costs a TLB walk every 4 KiB, which under a
/// hypervisor's nested paging is expensive enough to show in a memory-bound decode step.
/// </summary>
internal static unsafe partial class HugePages
{
    /// <summary>The huge page size on x86-64 and the alignment that lets a buffer start on one.</summary>
    public const nuint Size = 2 << 20;

    private const int MadviseHugePage = 14;

    /// <summary>Advises huge pages for a <see cref="Size"/>-aligned block; a refusal (no THP) is harmless and ignored.</summary>
    public static void Advise(void* block, nuint bytes)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Madvise((nint)block, bytes, MadviseHugePage);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
