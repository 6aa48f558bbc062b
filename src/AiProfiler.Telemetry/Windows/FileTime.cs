using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Windows;

/// <summary>FILETIME (minwinbase.h): two DWORDs of a 64-bit count of 100 ns intervals; 4-byte aligned, 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FileTime
{
    public uint LowDateTime;
    public uint HighDateTime;

    public readonly double Seconds => (((ulong)HighDateTime << 32) | LowDateTime) / 1e7;
}
