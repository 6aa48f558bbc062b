using System.Globalization;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Backends.Cuda.Kernels;

/// <summary>A CUDA launch shape: the grid in blocks and the block in threads.</summary>
internal readonly record struct LaunchGeometry(uint GridX, uint GridY, uint GridZ, uint BlockX, uint BlockY, uint BlockZ)
{
    /// <summary>True when the grid has no blocks, so there is nothing to launch.</summary>
    public bool IsEmpty => GridX == 0 || GridY == 0 || GridZ == 0;

    /// <summary>OpenCL-style sizes (work items in total, per group) as a CUDA grid: grid = global / local.</summary>
    internal static LaunchGeometry From(KernelRange global, KernelRange local, int maxThreadsPerBlock)
    {
        var (gx, bx) = Dimension(global.X, local.X, 0);
        var (gy, by) = Dimension(global.Y, local.Y, 1);
        var (gz, bz) = Dimension(global.Z, local.Z, 2);
        var threads = (long)bx * by * bz;
        if (maxThreadsPerBlock > 0 && threads > maxThreadsPerBlock)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"local size {threads} exceeds the device's {maxThreadsPerBlock} threads per block; use a smaller local size"));
        }

        return new LaunchGeometry(gx, gy, gz, bx, by, bz);
    }

    private static (uint Grid, uint Block) Dimension(long global, long local, int dimension)
    {
        if (local < 1 || global < 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"dimension {dimension}: local size must be ≥ 1 and global size ≥ 0 (got {global} / {local})"));
        }

        if (global % local != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"dimension {dimension}: global size {global} is not a multiple of local size {local}; round it up with KernelRange.RoundUp"));
        }

        var grid = global / local;
        if (grid > uint.MaxValue || local > uint.MaxValue)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"dimension {dimension}: {grid} blocks is more than CUDA can launch"));
        }

        return ((uint)grid, (uint)local);
    }
}
