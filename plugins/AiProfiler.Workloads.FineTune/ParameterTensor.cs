using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// One parameter tensor on the device. A trainable tensor also owns its gradient and the two AdamW moments; a frozen one
/// has none of them, so nothing computes or stores a gradient for it.
/// </summary>
internal sealed class ParameterTensor
{
    private ParameterTensor(string name, long length, IDeviceBuffer value, IDeviceBuffer? gradient, IDeviceBuffer? m, IDeviceBuffer? v, bool gradientAccumulates)
    {
        Name = name;
        Length = length;
        Value = value;
        Gradient = gradient;
        FirstMoment = m;
        SecondMoment = v;
        GradientAccumulates = gradientAccumulates;
    }

    /// <summary>A name for diagnostics, e.g. <c>block1.fc2.lora_b</c>.</summary>
    public string Name { get; }

    public long Length { get; }

    public IDeviceBuffer Value { get; }

    public IDeviceBuffer? Gradient { get; }

    public IDeviceBuffer? FirstMoment { get; }

    public IDeviceBuffer? SecondMoment { get; }

    public bool Trainable => Gradient is not null;

    /// <summary>
    /// Whether the backward pass adds into the gradient (norm, bias and embedding gradients) rather than overwriting it
    /// (GEMM weight gradients), so it must be zeroed before each backward pass.
    /// </summary>
    public bool GradientAccumulates { get; }

    /// <summary>Allocates the tensor and writes its initial values.</summary>
    public static ParameterTensor Create(DeviceArena arena, string name, float[] initial, bool trainable, bool gradientAccumulates)
    {
        var value = arena.Allocate(initial.Length);
        arena.Device.Write<float>(value, initial);
        if (!trainable)
        {
            return new ParameterTensor(name, initial.Length, value, null, null, null, gradientAccumulates);
        }

        return new ParameterTensor(name, initial.Length, value, arena.Allocate(initial.Length), arena.Allocate(initial.Length), arena.Allocate(initial.Length), gradientAccumulates);
    }
}
