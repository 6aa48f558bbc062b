using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AiProfiler.Telemetry.Windows;

/// <summary>The two kernel32 calls the Windows host sampler needs. Compiled on every OS, called only on Windows.</summary>
[SupportedOSPlatform("windows")]
internal static partial class Kernel32
{
    /// <summary>BOOL GetSystemTimes(LPFILETIME lpIdleTime, LPFILETIME lpKernelTime, LPFILETIME lpUserTime); kernel time includes idle time.</summary>
    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool GetSystemTimes(out FileTime idleTime, out FileTime kernelTime, out FileTime userTime);

    /// <summary>BOOL GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer); dwLength must be set to the struct's size first.</summary>
    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool GlobalMemoryStatusEx(ref MemoryStatusEx buffer);
}
