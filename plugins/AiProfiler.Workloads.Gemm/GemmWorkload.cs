using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Gemm;

/// <summary>
/// General matrix multiply, the kernel under every dense layer: <c>C = α·op(A)·op(B) + β·C</c> for a batch of
/// row-major matrices in fp32, fp16 or bf16. Cost: 2·M·N·K FLOPs per matrix; bytes: A, B and C once each (C twice
/// when β ≠ 0) at the element size.
/// </summary>
public sealed class GemmWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "gemm";

    /// <inheritdoc />
    public string Description => "General matrix multiply C = alpha*op(A)*op(B) + beta*C (batched, row-major), the core of every dense layer.";

    /// <inheritdoc />
    public IReadOnlyList<ParameterDescriptor> Parameters { get; } =
    [
        ParameterDescriptor.Integer("m", 512, 1, 65_536, "rows of op(A) and C"),
        ParameterDescriptor.Integer("n", 512, 1, 65_536, "columns of op(B) and C"),
        ParameterDescriptor.Integer("k", 512, 1, 65_536, "columns of op(A), rows of op(B) (the reduction)"),
        ParameterDescriptor.Integer("batch", 1, 1, 4096, "independent products, strided in memory"),
        ParameterDescriptor.Boolean("trans_a", false, "use A transposed (A stored K x M)"),
        ParameterDescriptor.Boolean("trans_b", false, "use B transposed (B stored N x K)"),
        ParameterDescriptor.Number("alpha", 1, -1e6, 1e6, "scale of the product"),
        ParameterDescriptor.Number("beta", 0, -1e6, 1e6, "scale of the existing C (0 overwrites C)"),
        ParameterDescriptor.Choice("precision", "fp32", ["fp32", "fp16", "bf16"], "element type of A, B and C (accumulation is fp32; fp16 and bf16 where the device's GEMM supports them)"),
    ];

    /// <inheritdoc />
    public long EstimateMemoryBytes(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return GemmShape.From(parameters).DeviceBytes;
    }

    /// <inheritdoc />
    public long EstimateHostMemoryBytes(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return GemmShape.From(parameters).HostBytes;
    }

    /// <inheritdoc />
    public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(parameters);
        var shape = GemmShape.From(parameters);
        if (!device.Ops.SupportsGemm(shape.Type))
        {
            throw new NotSupportedException($"precision {shape.Type.ShortName()} is not supported on device '{device.Info.Id}'; use fp32");
        }

        return new PreparedGemm(device, shape);
    }
}
