using System.Globalization;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cuda.Gemm;

/// <summary>
/// Checks a GEMM against its buffers before it reaches the device, where an out-of-range read is a fault that
/// poisons the whole context rather than an exception.
/// </summary>
internal static class GemmExtents
{
    internal static void Validate(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (gemm.M < 0 || gemm.N < 0 || gemm.K < 0 || gemm.BatchCount < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"gemm: M, N and K must be ≥ 0 and BatchCount ≥ 1 (got M={gemm.M} N={gemm.N} K={gemm.K} BatchCount={gemm.BatchCount})"), nameof(gemm));
        }

        foreach (var (name, buffer) in new[] { ("A", a), ("B", b), ("C", c) })
        {
            if (buffer.Type != gemm.Type)
            {
                throw new ArgumentException($"gemm: {name} holds {buffer.Type.ShortName()} but the GEMM is {gemm.Type.ShortName()}", nameof(gemm));
            }
        }

        Check("A", gemm.TransposeA ? gemm.K : gemm.M, gemm.TransposeA ? gemm.M : gemm.K, gemm.EffectiveLdA, gemm.StrideA, gemm.OffsetA, gemm.BatchCount, a.Length);
        Check("B", gemm.TransposeB ? gemm.N : gemm.K, gemm.TransposeB ? gemm.K : gemm.N, gemm.EffectiveLdB, gemm.StrideB, gemm.OffsetB, gemm.BatchCount, b.Length);
        Check("C", gemm.M, gemm.N, gemm.EffectiveLdC, gemm.StrideC, gemm.OffsetC, gemm.BatchCount, c.Length);
    }

    /// <summary>Elements a stored rows×cols operand reaches: its last batch's last row ends the range.</summary>
    internal static long RequiredLength(int rows, int cols, int ld, long stride, long offset, int batchCount) =>
        rows == 0 || cols == 0 ? 0 : offset + ((batchCount - 1) * stride) + ((long)(rows - 1) * ld) + cols;

    private static void Check(string name, int rows, int cols, int ld, long stride, long offset, int batchCount, long length)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"gemm: leading dimension of {name} is {ld} but its rows hold {cols} elements; use Ld{name} ≥ {cols} or 0 for packed"));
        }

        if (offset < 0 || stride < 0)
        {
            throw new ArgumentException($"gemm: offset and stride of {name} must be ≥ 0");
        }

        var required = RequiredLength(rows, cols, ld, stride, offset, batchCount);
        if (required > length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"gemm: {name} needs {required} elements but its buffer holds {length}"));
        }
    }
}
