using System.Reflection;
using System.Text.RegularExpressions;
using AiProfiler.Backends.Ilgpu.Kernels;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>
/// Every bundled kernel compiles to PTX for sm_80 without a GPU (ILGPU's PTX backend caps the target there; later
/// GPUs JIT it), and the PTX is well formed: one entry point, every called function defined, nothing left external.
/// </summary>
public sealed partial class PtxGenerationTests
{
    public static TheoryData<string> Kernels() => new(KernelMethods().Select(m => $"{m.DeclaringType!.Name}.{m.Name}"));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_CompilesToWellFormedPtxForSm80(string kernel)
    {
        var method = KernelMethods().Single(m => $"{m.DeclaringType!.Name}.{m.Name}" == kernel);
        using var context = Context.Create(builder => builder.EnableAlgorithms().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_80), CudaArchitecture.SM_80, CudaInstructionSet.ISA_70, nvvmAPI: null);

        var ptx = ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), default)).PTXAssembly;

        Assert.Contains(".target sm_80", ptx, StringComparison.Ordinal);
        Assert.Contains(".address_size 64", ptx, StringComparison.Ordinal);
        Assert.Single(EntryPoint().Matches(ptx));
        Assert.DoesNotContain(".extern", ptx, StringComparison.Ordinal);
        Assert.Equal(ptx.Count(c => c == '{'), ptx.Count(c => c == '}'));
        var defined = FunctionDefinition().Matches(ptx).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.All(Call().Matches(ptx).Select(m => m.Groups[1].Value), callee => Assert.Contains(callee, defined));
    }

    [Fact]
    public void KernelMethods_CoverEveryKernelClass()
    {
        var names = KernelMethods().Select(m => m.DeclaringType!.Name).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(["AttentionKernels", "ColumnKernels", "ElementKernels", "GemmKernels", "RowKernels"], names);
    }

    internal static IEnumerable<MethodInfo> KernelMethods() =>
        typeof(GroupMath).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(m => m.GetCustomAttribute<IlgpuKernelAttribute>() is not null);

    [GeneratedRegex(@"\.visible \.entry \w+\(")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"\.func(?:\s*\([^)]*\))?\s+(\w+)\s*\(")]
    private static partial Regex FunctionDefinition();

    [GeneratedRegex(@"call(?:\.uni)?\s*(?:\([^)]*\),\s*)?(\w+)")]
    private static partial Regex Call();
}
