using System.Runtime.InteropServices;

namespace AiProfiler.Telemetry.Windows;

/// <summary>
/// MEMORYSTATUSEX (sysinfoapi.h): a DWORD length and load, then seven DWORDLONGs, which the natural alignment puts at
/// offsets 8 through 56; 64 bytes in all.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MemoryStatusEx
{
    public uint Length;
    public uint MemoryLoad;
    public ulong TotalPhys;
    public ulong AvailPhys;
    public ulong TotalPageFile;
    public ulong AvailPageFile;
    public ulong TotalVirtual;
    public ulong AvailVirtual;
    public ulong AvailExtendedVirtual;
}
