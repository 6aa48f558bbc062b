using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Core.Tests;

/// <summary>A workload whose behaviour each test scripts: what an iteration does, its footprint, its verification.</summary>
internal sealed class FakeWorkload : IWorkload
{
    public string Name => "fake";

    public string Description => "scripted workload for tests";

    public IReadOnlyList<ParameterDescriptor> Parameters { get; } =
    [
        ParameterDescriptor.Integer("size", 8, 1, 1024, "size"),
        ParameterDescriptor.Choice("precision", "fp32", ["fp32", "fp16"], "precision"),
    ];

    public long Footprint { get; init; }

    public Action<IterationContext> Iteration { get; init; } = _ => { };

    public bool VerifyPasses { get; init; } = true;

    /// <summary>When set, the prepared workload's Dispose throws with this message.</summary>
    public string? DisposeError { get; init; }

    public int Iterations { get; private set; }

    public bool Disposed { get; private set; }

    public WorkloadCost Cost { get; init; } = new(1e9, 1e8, 4, "tokens");

    public long EstimateMemoryBytes(ParameterSet parameters) => Footprint;

    /// <summary>Host bytes beside the device buffers; 0 leaves the interface's default in place.</summary>
    public long HostFootprint { get; init; }

    long IWorkload.EstimateHostMemoryBytes(ParameterSet parameters) => HostFootprint;

    public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters) => new Prepared(this);

    private sealed class Prepared(FakeWorkload owner) : IPreparedWorkload
    {
        public string Shape => "fake";

        public WorkloadCost Cost => owner.Cost;

        public string Implementation => "scripted";

        public void Run(IterationContext context)
        {
            owner.Iterations++;
            owner.Iteration(context);
        }

        public VerificationResult Verify() => owner.VerifyPasses ? VerificationResult.Pass(0, "ok") : VerificationResult.Fail(1, "off by one");

        public void Dispose()
        {
            owner.Disposed = true;
            if (owner.DisposeError is { } message)
            {
                throw new InvalidOperationException(message);
            }
        }
    }
}
