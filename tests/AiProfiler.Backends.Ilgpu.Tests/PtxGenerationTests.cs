using System.Text.RegularExpressions;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>
/// Every bundled kernel compiles to PTX for sm_80 without a GPU (ILGPU's PTX backend caps the target there; later
/// GPUs JIT it), and the PTX is well formed: one entry point, every called function defined, nothing left external.
/// </summary>
public sealed partial class PtxGenerationTests
{
    public static TheoryData<string> Kernels() => IlgpuPtx.KernelNames();

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_CompilesToWellFormedPtxForSm80(string kernel)
    {
        var (ptx, _) = IlgpuPtx.Compile(kernel);

        Assert.Contains(".target sm_80", ptx, StringComparison.Ordinal);
        Assert.Contains(".address_size 64", ptx, StringComparison.Ordinal);
        Assert.Single(EntryPoint().Matches(ptx));
        Assert.DoesNotContain(".extern", ptx, StringComparison.Ordinal);
        Assert.Equal(ptx.Count(c => c == '{'), ptx.Count(c => c == '}'));
        var defined = FunctionDefinition().Matches(ptx).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.All(Call().Matches(ptx).Select(m => m.Groups[1].Value), callee => Assert.Contains(callee, defined));
    }

    [Fact]
    public void Rotary_UsesNoApproximateSineOrCosine()
    {
        // ILGPU lowers MathF.Sin/Cos to sin.approx/cos.approx, whose error grows with the angle: on an H200 rotary
        // embeddings at position 1000 were 1.3e-4 rad off while the emulator, which runs .NET's MathF, was exact.
        var (ptx, _) = IlgpuPtx.Compile("ElementKernels.Rotary");

        Assert.DoesNotContain("sin.approx", ptx, StringComparison.Ordinal);
        Assert.DoesNotContain("cos.approx", ptx, StringComparison.Ordinal);
        Assert.Contains(".f64", ptx, StringComparison.Ordinal);
    }

    [Fact]
    public void FmaProbe_EmitsEightContractibleMultiplyAddsPerRound()
    {
        // The calibration counts 16 FLOPs per item and round. ILGPU has no FMA intrinsic, so each chain must come out as
        // a mul.f32 and an add.f32 without rounding modifiers, the pair the PTX ISA lets ptxas fuse into one FMA (a
        // ".rn" on either would forbid it and halve the rate still counted as FMAs), and no call.
        var (ptx, _) = IlgpuPtx.Compile("ElementKernels.FmaChains");
        var loop = ptx[ptx.IndexOf("bra.uni", StringComparison.Ordinal)..];

        Assert.True(Regex.Count(loop, @"\bmul\.f32\s+%f\d+, %f\d+, 0f3F7FBE77;\s+add\.f32\s+%f\d+, %f\d+, 0f3A83126F;") >= 8, ptx);
        Assert.DoesNotMatch(@"(mul|add)\.rn", loop);
        Assert.DoesNotContain("call", ptx, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelMethods_CoverEveryKernelClass()
    {
        var names = IlgpuPtx.KernelMethods().Select(m => m.DeclaringType!.Name).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(["AttentionKernels", "ColumnKernels", "ElementKernels", "GemmKernels", "RowKernels"], names);
    }

    [GeneratedRegex(@"\.visible \.entry \w+\(")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"\.func(?:\s*\([^)]*\))?\s+(\w+)\s*\(")]
    private static partial Regex FunctionDefinition();

    [GeneratedRegex(@"call(?:\.uni)?\s*(?:\([^)]*\),\s*)?(\w+)")]
    private static partial Regex Call();
}
