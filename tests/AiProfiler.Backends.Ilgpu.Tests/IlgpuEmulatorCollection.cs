namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>Tests that use the shared <c>ilgpu-cpu</c> device: a device serves one caller at a time, as in the agent.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IlgpuEmulatorCollection
{
    public const string Name = "ilgpu-cpu emulator";
}
