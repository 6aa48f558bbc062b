using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.OpenCL.Interop;
using AiProfiler.Kernels;

namespace AiProfiler.Backends.OpenCL;

/// <summary>
/// fp32 GEMM through CLBlast (row-major <c>CLBlastSgemm</c>, <c>CLBlastSgemmStridedBatched</c> for batches) on the
/// device's queue. A product with K = 0 (C = Beta·C), which CLBlast refuses, goes to the fallback engine.
/// </summary>
internal sealed unsafe class ClBlastGemmEngine : IGemmEngine, IDisposable
{
    private static readonly object Gate = new();
    private static int _liveEngines;
    private readonly OpenClDevice _device;
    private readonly IGemmEngine _fallback;
    private bool _disposed;

    public ClBlastGemmEngine(OpenClDevice device, IGemmEngine fallback)
    {
        _device = device;
        _fallback = fallback;
        lock (Gate)
        {
            _liveEngines++;
        }
    }

    public string Name => "clblast";

    public bool Supports(DataType type) => type == DataType.Float32;

    public void Gemm(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (g.M == 0 || g.N == 0 || g.BatchCount == 0)
        {
            return;
        }

        if (g.K == 0)
        {
            _fallback.Gemm(g, a, b, c);
            return;
        }

        var memA = _device.Own(a).Handle.DangerousGetHandle();
        var memB = _device.Own(b).Handle.DangerousGetHandle();
        var memC = _device.Own(c).Handle.DangerousGetHandle();
        var queue = _device.Queue.DangerousGetHandle();
        var transA = g.TransposeA ? ClBlastNative.TransposeYes : ClBlastNative.TransposeNo;
        var transB = g.TransposeB ? ClBlastNative.TransposeYes : ClBlastNative.TransposeNo;
        int status;
        string function;
        if (g.BatchCount == 1)
        {
            function = "CLBlastSgemm";
            status = ClBlastNative.CLBlastSgemm(ClBlastNative.LayoutRowMajor, transA, transB,
                (nuint)g.M, (nuint)g.N, (nuint)g.K, g.Alpha,
                memA, (nuint)g.OffsetA, (nuint)g.EffectiveLdA,
                memB, (nuint)g.OffsetB, (nuint)g.EffectiveLdB, g.Beta,
                memC, (nuint)g.OffsetC, (nuint)g.EffectiveLdC, &queue, null);
        }
        else
        {
            function = "CLBlastSgemmStridedBatched";
            status = ClBlastNative.CLBlastSgemmStridedBatched(ClBlastNative.LayoutRowMajor, transA, transB,
                (nuint)g.M, (nuint)g.N, (nuint)g.K, g.Alpha,
                memA, (nuint)g.OffsetA, (nuint)g.EffectiveLdA, (nuint)g.StrideA,
                memB, (nuint)g.OffsetB, (nuint)g.EffectiveLdB, (nuint)g.StrideB, g.Beta,
                memC, (nuint)g.OffsetC, (nuint)g.EffectiveLdC, (nuint)g.StrideC, (nuint)g.BatchCount, &queue, null);
        }

        if (status != ClConstants.Success)
        {
            throw new OpenClException(function, status, $"{function} failed: {ClBlastNative.StatusName(status)} ({status})");
        }
    }

    /// <summary>
    /// CLBlast's program cache is process-wide and retains the contexts it compiled for; it is dropped when the last
    /// device using CLBlast closes, so closing one device does not make the others recompile their GEMM kernels.
    /// </summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (--_liveEngines == 0)
            {
                _ = ClBlastNative.CLBlastClearCache();
            }
        }
    }
}
