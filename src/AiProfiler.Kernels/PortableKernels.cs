using System.Text;

namespace AiProfiler.Kernels;

/// <summary>
/// The bundled kernels, written once in the portable C dialect
/// (<see cref="AiProfiler.Abstractions.Kernels.PortableKernelDialect"/>); an accelerator's compiler puts its prelude
/// before <see cref="Source"/>. The files under <c>Sources/</c> are embedded in this assembly.
/// </summary>
public static class PortableKernels
{
    /// <summary>The source files in the order they are joined: helpers first, then the kernels that use them.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["Common.c", "Elementwise.c", "Reductions.c", "Normalization.c", "Attention.c", "Gemm.c", "Weights.c"];

    private static readonly Lazy<string> LazySource = new(Load);

    /// <summary>All kernels of the library in one translation unit, without a prelude.</summary>
    public static string Source => LazySource.Value;

    /// <summary>The text of one file of <see cref="FileNames"/>.</summary>
    public static string ReadFile(string fileName)
    {
        var assembly = typeof(PortableKernels).Assembly;
        using var stream = assembly.GetManifestResourceStream("AiProfiler.Kernels.Sources." + fileName)
            ?? throw new ArgumentException($"no kernel source '{fileName}'; use one of {string.Join(", ", FileNames)}", nameof(fileName));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    private static string Load()
    {
        var builder = new StringBuilder();
        foreach (var file in FileNames)
        {
            builder.Append(ReadFile(file)).Append('\n');
        }

        return builder.ToString();
    }
}
