using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda;
using AiProfiler.Backends.Ilgpu;
using AiProfiler.Backends.Ilgpu.Gemm;
using AiProfiler.Bench.IlgpuVsCuda;
using AiProfiler.Kernels;

// A benchmark, not a test: ILGPU's generated kernels beside the hand-written CUDA C kernels and cuBLAS on the same GPU,
// variants taking turns so clock and thermal drift land on all of them. Figures are ratios to cuda:0 measured in this run.
// Usage: dotnet run -c Release --project bench/ilgpu-vs-cuda [-- size=4096 seq=2048 rounds=5]
var settings = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
var size = settings.GetValueOrDefault("size", 4096);
var seq = settings.GetValueOrDefault("seq", 2048);
var rounds = settings.GetValueOrDefault("rounds", 5);

var cudaProvider = new CudaDeviceProvider();
var ilgpuProvider = new IlgpuDeviceProvider(IlgpuTarget.Cuda, IlgpuGemmChoice.Auto);
var tiledProvider = new IlgpuDeviceProvider(IlgpuTarget.Cuda, IlgpuGemmChoice.Tiled);
foreach (var (name, discovery) in new[] { ("cuda", cudaProvider.Discover()), ("ilgpu-cuda", ilgpuProvider.Discover()) })
{
    if (discovery.UnavailableReason is { } reason)
    {
        Console.WriteLine($"{name}: unavailable: {reason}; this benchmark needs an NVIDIA GPU, nothing measured");
        return;
    }
}

using var cuda = cudaProvider.Open(0);
using var ilgpu = ilgpuProvider.Open(0);
using var ilgpuTiled = tiledProvider.Open(0);
Console.WriteLine($"GPU: {cuda.Info.Name}; cuda:0 GEMM {cuda.Ops.GemmImplementation}, ilgpu-cuda:0 GEMM {ilgpu.Ops.GemmImplementation}");

var portableTiled = new TiledGemmEngine(cuda.Kernels ?? throw new InvalidOperationException("cuda:0 has no kernel compiler"));
var gemm = new GemmDescriptor { M = size, N = size, K = size };
var gemmVariants = new[]
{
    new Variant("cuda:0 cuBLAS", cuda, b => cuda.Ops.Gemm(gemm, b[0], b[1], b[2])),
    new Variant("cuda:0 portable CUDA C tiled kernel", cuda, b => portableTiled.Gemm(gemm, b[0], b[1], b[2])),
    new Variant($"ilgpu-cuda:0 {ilgpu.Ops.GemmImplementation}", ilgpu, b => ilgpu.Ops.Gemm(gemm, b[0], b[1], b[2])),
    new Variant("ilgpu-cuda:0 ILGPU C# tiled kernel", ilgpuTiled, b => ilgpuTiled.Ops.Gemm(gemm, b[0], b[1], b[2])),
};
Comparison.Run($"GEMM fp32 M=N=K={size}", gemm.Flops, rounds, gemmVariants, (long)size * size, buffers: 3);

var attention = new AttentionDescriptor { Batch = 1, Heads = 16, QueryLength = seq, KeyLength = seq, HeadDim = 64, Causal = true };
var attentionFlops = 4.0 * attention.Batch * attention.Heads * seq * (double)seq * attention.HeadDim / 2;
var attentionVariants = new[]
{
    new Variant("cuda:0 fused attention (CUDA C)", cuda, b => cuda.Ops.Attention(attention, b[0], b[1], b[2], b[3])),
    new Variant("ilgpu-cuda:0 fused attention (C#)", ilgpu, b => ilgpu.Ops.Attention(attention, b[0], b[1], b[2], b[3])),
};
Comparison.Run($"fused attention B=1 H=16 N={seq} d=64 causal", attentionFlops, rounds, attentionVariants, (long)attention.Heads * seq * attention.HeadDim, buffers: 4);
