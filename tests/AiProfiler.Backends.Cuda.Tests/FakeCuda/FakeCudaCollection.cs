namespace AiProfiler.Backends.Cuda.Tests.FakeCuda;

/// <summary>Tests that bind the fake CUDA library: the binding and the fake's counters are process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FakeCudaCollection
{
    public const string Name = "fake CUDA library";
}
