using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Ilgpu.Kernels;
using AiProfiler.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace AiProfiler.Backends.Ilgpu.Gemm;

/// <summary>GEMM through the C# <see cref="GemmKernels.Tiled"/> kernel: fp32, fp16 and bf16 with fp32 accumulation.</summary>
internal sealed class IlgpuTiledGemm(IlgpuDevice device) : IGemmEngine
{
    public const string Label = "ilgpu-tiled";

    public string Name => Label;

    public bool Supports(DataType type) => type is DataType.Float32 or DataType.Float16 or DataType.BFloat16;

    public void Gemm(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (g.M == 0 || g.N == 0 || g.BatchCount == 0)
        {
            return;
        }

        var side = device.Launch.GemmSide;
        var block = side * GemmKernels.Micro;
        var kernel = device.LoadKernel("gemm_tiled", static a => a.LoadStreamKernel<
            ArrayView<float>, ArrayView<ushort>, ArrayView<float>, ArrayView<ushort>, ArrayView<float>, ArrayView<ushort>, GemmArguments>(GemmKernels.Tiled));
        var blocks = (long)((g.N + block - 1) / block) * ((g.M + block - 1) / block) * g.BatchCount;
        var config = new KernelConfig(new Index3D(device.Launch.GroupsFor(blocks), 1, 1), new Index3D(side, side, 1));
        kernel(config, Words<float>(a), Words<ushort>(a), Words<float>(b), Words<ushort>(b), Words<float>(c), Words<ushort>(c), GemmArguments.From(g));
    }

    /// <summary>The buffer's memory as <typeparamref name="T"/> whatever its element type: the kernel reads the view that matches.</summary>
    private ArrayView<T> Words<T>(IDeviceBuffer buffer)
        where T : unmanaged => device.Own(buffer).Words<T>();
}
