using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Workloads.FineTune.Tests;

/// <summary>
/// A CPU device whose GELU backward is wrong (it differentiates ReLU instead), standing in for a backend or workload
/// bug that a gradient check must catch.
/// </summary>
internal static class MisderivedGeluDevice
{
    public static InterceptingDevice Create(CpuDevice inner) =>
        new InterceptingDevice(inner).Intercept(nameof(ITensorOps.ActivationBackward), (args, forward) =>
        {
            args[0] = ActivationKind.Relu;
            return forward();
        });
}
