using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Workloads.Inference.Tests;

/// <summary>A CPU device whose attention calls can be altered, to prove that verification notices a broken backend.</summary>
internal sealed class TamperingDevice : IDisposable
{
    public TamperingDevice(CpuDevice inner) =>
        Device = new InterceptingDevice(inner).Intercept(nameof(ITensorOps.Attention), (args, forward) =>
        {
            if (Attention is { } tamper)
            {
                args[0] = tamper((AttentionDescriptor)args[0]!);
            }

            return forward();
        });

    /// <summary>The device to prepare workloads on.</summary>
    public InterceptingDevice Device { get; }

    /// <summary>Rewrites each attention descriptor before the CPU runs it; null leaves them alone.</summary>
    public Func<AttentionDescriptor, AttentionDescriptor>? Attention { get; set; }

    public void Dispose() => Device.Dispose();
}
