using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.FineTune;

/// <summary>Layer normalization over rows of width D, keeping each row's mean and 1/σ for the backward pass.</summary>
internal sealed class LayerNormLayer
{
    private const float Epsilon = 1e-5f;

    private readonly ITensorOps _ops;
    private readonly int _rows;
    private readonly int _cols;
    private readonly IDeviceBuffer _mean;
    private readonly IDeviceBuffer _rstd;

    private LayerNormLayer(ITensorOps ops, int rows, int cols, ParameterTensor gain, ParameterTensor shift, IDeviceBuffer mean, IDeviceBuffer rstd)
    {
        _ops = ops;
        _rows = rows;
        _cols = cols;
        Gain = gain;
        Shift = shift;
        _mean = mean;
        _rstd = rstd;
    }

    public ParameterTensor Gain { get; }

    public ParameterTensor Shift { get; }

    public IEnumerable<ParameterTensor> Parameters => [Gain, Shift];

    public static LayerNormLayer Create(DeviceArena arena, ParameterInitializer init, string name, int rows, int cols, bool trainable)
    {
        var gain = ParameterTensor.Create(arena, name + ".gain", init.Gain(cols), trainable, gradientAccumulates: true);
        var shift = ParameterTensor.Create(arena, name + ".shift", init.Shift(cols), trainable, gradientAccumulates: true);
        return new LayerNormLayer(arena.Ops, rows, cols, gain, shift, arena.Allocate(rows), arena.Allocate(rows));
    }

    public void Forward(IDeviceBuffer x, IDeviceBuffer y) =>
        _ops.LayerNorm(x, Gain.Value, Shift.Value, y, _mean, _rstd, _rows, _cols, Epsilon);

    /// <summary>
    /// Writes dx. The op always adds into gain and shift gradients; a frozen norm passes the workspace's discard
    /// buffers (<paramref name="discardGain"/>, <paramref name="discardShift"/>), which nothing reads.
    /// </summary>
    public void Backward(IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer? discardGain, IDeviceBuffer? discardShift)
    {
        var dGain = Gain.Gradient ?? discardGain ?? throw new InvalidOperationException("a frozen layer norm needs discard buffers for its gain gradient");
        var dShift = Shift.Gradient ?? discardShift ?? throw new InvalidOperationException("a frozen layer norm needs discard buffers for its shift gradient");
        _ops.LayerNormBackward(x, Gain.Value, _mean, _rstd, dy, dx, dGain, dShift, _rows, _cols);
    }
}
