using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Kernels;

/// <summary>
/// GEMM through the portable <c>gemm_tiled</c> kernel: 64×64 blocks of C per work group, any transposes, leading
/// dimensions, element offsets, strided batches and sizes that are not multiples of the tile; fp32, fp16 and bf16
/// elements with fp32 accumulation.
/// </summary>
public sealed class TiledGemmEngine : IGemmEngine
{
    private const int Block = 64;
    private const int Items = 16;
    private readonly IKernelCompiler _compiler;
    private IKernel? _kernel;

    /// <summary>Creates the engine; the kernel is compiled on first use.</summary>
    public TiledGemmEngine(IKernelCompiler compiler)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        _compiler = compiler;
    }

    /// <inheritdoc />
    public string Name => "tiled-kernel";

    /// <inheritdoc />
    public bool Supports(DataType type) => type is DataType.Float32 or DataType.Float16 or DataType.BFloat16;

    /// <inheritdoc />
    public void Gemm(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (!Supports(g.Type))
        {
            throw new NotSupportedException($"the tiled GEMM kernel does not multiply {g.Type.ShortName()}; use fp32, fp16 or bf16");
        }

        if (g.M == 0 || g.N == 0 || g.BatchCount == 0)
        {
            return;
        }

        _kernel ??= _compiler.Compile(PortableKernels.Source, "gemm_tiled");
        var global = new KernelRange(
            KernelRange.RoundUp(g.N, Block) / Block * Items,
            KernelRange.RoundUp(g.M, Block) / Block * Items,
            g.BatchCount);
        _kernel.Launch(global, new KernelRange(Items, Items, 1),
            KernelArgument.Of(g.M), KernelArgument.Of(g.N), KernelArgument.Of(g.K),
            KernelArgument.Of(g.TransposeA ? 1 : 0), KernelArgument.Of(g.TransposeB ? 1 : 0),
            KernelArgument.Of(g.Alpha), KernelArgument.Of(g.Beta),
            KernelArgument.Of(a), KernelArgument.Of(g.OffsetA), KernelArgument.Of(g.EffectiveLdA), KernelArgument.Of(g.StrideA),
            KernelArgument.Of(b), KernelArgument.Of(g.OffsetB), KernelArgument.Of(g.EffectiveLdB), KernelArgument.Of(g.StrideB),
            KernelArgument.Of(c), KernelArgument.Of(g.OffsetC), KernelArgument.Of(g.EffectiveLdC), KernelArgument.Of(g.StrideC),
            KernelArgument.Of((int)g.Type));
    }
}
