using System.Text.RegularExpressions;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Kernels.Tests;

/// <summary>
/// The kernel sources must compile unchanged as OpenCL C (checked for real on PoCL by the operation tests) and as CUDA
/// C++ through NVRTC (not available here), so their text is checked for anything only one of the two accepts.
/// </summary>
public sealed partial class PortableKernelsTests
{
    /// <summary>What only one dialect accepts (or sizes differently), and what to write instead.</summary>
    private static readonly (Regex Pattern, string Instead)[] DialectOnly =
    [
        (new(@"\b__\w+"), "the dialect's macros (KERNEL, GLOBAL, LOCAL, BARRIER...), not __kernel/__global/__shared__/__syncthreads"),
        (new(@"\b(kernel|global|local|constant|private)\b"), "KERNEL, GLOBAL, LOCAL (the OpenCL keywords are identifiers in CUDA)"),
        (new(@"\b(get_global_id|get_local_id|get_group_id|get_local_size|get_num_groups|get_global_size|barrier|mem_fence)\b"), "GLOBAL_ID, LOCAL_ID, GROUP_ID, LOCAL_SIZE, NUM_GROUPS, BARRIER"),
        (new(@"\b(threadIdx|blockIdx|blockDim|gridDim|warpSize|atomicAdd|atomicCAS|atomic_\w+)\b"), "GLOBAL_ID, LOCAL_ID, ..., ATOMIC_ADD_F"),
        (new(@"\b(expf|logf|sqrtf|rsqrtf|tanhf|fmaxf|fminf|fabsf|powf|exp|log|sqrt|rsqrt|tanh|fmax|fmin|fabs|pow|min|max|mad|fma|clamp|mix|select|native_\w+|half_\w+)\s*\("), "EXP, LOG, SQRT, RSQRT, TANH, FMAX, FMIN, FABS, POW or plain arithmetic"),
        (new(@"\b(as_\w+|convert_\w+|vload\w*|vstore\w*)\s*\("), "FLOAT_AS_UINT / UINT_AS_FLOAT and casts"),
        (new(@"\b(float|int|uint|half|double|char|short|long|uchar|ushort|ulong)(2|3|4|8|16)\b"), "scalars (no vector types)"),
        (new(@"\b(uint|ulong|uchar|ushort|half|size_t|long|double)\b"), "int, unsigned int, unsigned short, float, INT64"),
        (new(@"\b(template|typename|auto|namespace|class|new|delete|static|inline|restrict|union|printf)\b"), "the common subset of C99 and C++"),
        (new(@"\b(INFINITY|NAN|FLT_MAX|HUGE_VALF|M_PI\w*)\b"), "NEG_INF or a literal"),
        (new(@"#\s*(include|pragma)\b"), "nothing: the sources are one self-contained translation unit"),
    ];

    [Fact]
    public void Source_AllFiles_AreJoinedInOrder()
    {
        var position = 0;
        foreach (var file in PortableKernels.FileNames)
        {
            var text = PortableKernels.ReadFile(file);
            var at = PortableKernels.Source.IndexOf(text, position, StringComparison.Ordinal);
            Assert.True(at >= position, $"{file} is missing from Source or out of order");
            position = at + text.Length;
        }
    }

    [Fact]
    public void ReadFile_UnknownName_ThrowsListingTheFiles()
    {
        var error = Assert.Throws<ArgumentException>(() => PortableKernels.ReadFile("Nope.c"));

        Assert.StartsWith("no kernel source 'Nope.c'; use one of Common.c, ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Source_OutsideThePreludes_HasNothingOnlyOneDialectAccepts()
    {
        var problems = new List<string>();
        foreach (var file in PortableKernels.FileNames)
        {
            var lines = WithoutComments(PortableKernels.ReadFile(file)).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var (pattern, instead) in DialectOnly)
                {
                    foreach (Match match in pattern.Matches(lines[i]))
                    {
                        problems.Add($"{file}:{i + 1}: '{match.Value}' -- use {instead}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Source_FloatLiterals_CarryTheFSuffix()
    {
        // An unsuffixed literal is a double: an error on OpenCL devices without fp64, slow on GPUs.
        var problems = new List<string>();
        foreach (var file in PortableKernels.FileNames)
        {
            var lines = WithoutComments(PortableKernels.ReadFile(file)).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match match in FloatLiteral().Matches(lines[i]))
                {
                    if (!match.Value.EndsWith('f'))
                    {
                        problems.Add($"{file}:{i + 1}: {match.Value}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Source_EveryFunction_IsAKernelOrADeviceFunction()
    {
        var problems = new List<string>();
        foreach (var file in PortableKernels.FileNames)
        {
            var lines = WithoutComments(PortableKernels.ReadFile(file)).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (FunctionDefinition().IsMatch(lines[i])
                    && !lines[i].StartsWith("KERNEL void ", StringComparison.Ordinal)
                    && !lines[i].StartsWith("DEVICE_FN ", StringComparison.Ordinal))
                {
                    problems.Add($"{file}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(problems.Count == 0, "declare kernels 'KERNEL void' and helpers 'DEVICE_FN':\n" + string.Join('\n', problems));
    }

    [Fact]
    public void Source_Kernels_AreThoseTheOperationsLaunch()
    {
        string[] expected =
        [
            "activation_forward", "activation_backward", "elementwise", "axpby", "add_bias", "adamw", "embedding_gather",
            "embedding_backward", "causal_mask", "swap_axes", "copy_u32", "copy_u16", "fill_u32", "fill_u16",
            "f32_to_f16", "f16_to_f32", "f32_to_bf16", "bf16_to_f32",
            "sum_columns", "sum_partial", "softmax_forward", "softmax_backward", "cross_entropy",
            "layer_norm_forward", "layer_norm_backward_input", "layer_norm_backward_params",
            "rms_norm_forward", "rms_norm_backward_input", "rms_norm_backward_params",
            "attention_forward", "gemm_tiled", "linear_weights", "embedding_gather_weights", "rotary",
            "dequantize_weight_rows", "linear_input_to_half",
        ];

        var declared = KernelDeclaration().Matches(PortableKernels.Source).Select(m => m.Groups[1].Value);

        Assert.Equal(expected.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Preludes_BothDefineEveryMacroTheSourcesUse()
    {
        var source = WithoutComments(PortableKernels.Source);
        var ownMacros = OwnMacro().Matches(source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var used = UpperCaseIdentifier().Matches(source).Select(m => m.Value)
            .Where(name => !ownMacros.Contains(name))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(used);
        foreach (var prelude in new[] { PortableKernelDialect.OpenCLPrelude, PortableKernelDialect.CudaPrelude })
        {
            var defined = OwnMacro().Matches(prelude).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            Assert.Empty(used.Except(defined).Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Blanks comments but keeps every newline, so line numbers stay right.</summary>
    private static string WithoutComments(string text) =>
        Comment().Replace(text, m => new string(m.Value.Select(c => c == '\n' ? '\n' : ' ').ToArray()));

    [GeneratedRegex(@"/\*.*?\*/|//[^\n]*", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"(?<![\w.])(?:\d+\.\d*|\.\d+|\d+(?=[eE][-+]?\d))(?:[eE][-+]?\d+)?[fF]?")]
    private static partial Regex FloatLiteral();

    /// <summary>A definition at file scope: an unindented line (not a directive or a brace) with a name followed by '('.</summary>
    [GeneratedRegex(@"^[A-Za-z_].*\b\w+\s*\(")]
    private static partial Regex FunctionDefinition();

    [GeneratedRegex(@"\bKERNEL\s+void\s+(\w+)\s*\(")]
    private static partial Regex KernelDeclaration();

    [GeneratedRegex(@"#define\s+(\w+)")]
    private static partial Regex OwnMacro();

    [GeneratedRegex(@"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b")]
    private static partial Regex UpperCaseIdentifier();
}
