namespace AiProfiler.Backends.OpenCL;

/// <summary>Settings of the OpenCL backend.</summary>
public sealed record OpenClOptions
{
    /// <summary>The environment variable that picks the GEMM engine: <c>tiled</c>, <c>clblast</c> or <c>auto</c>.</summary>
    public const string GemmEnvironmentVariable = "AIPROFILER_OPENCL_GEMM";

    /// <summary>
    /// Use the project's tiled GEMM kernel even when CLBlast is installed (to compare the two, or to test the kernel);
    /// by default CLBlast is used when it loads.
    /// </summary>
    public bool ForceTiledGemm { get; init; }

    /// <summary>Reads <see cref="GemmEnvironmentVariable"/>; an unset or empty variable means <c>auto</c>.</summary>
    /// <exception cref="ArgumentException">The variable holds something else than tiled, clblast or auto.</exception>
    public static OpenClOptions FromEnvironment() => Parse(Environment.GetEnvironmentVariable(GemmEnvironmentVariable));

    /// <summary>Parses a value of <see cref="GemmEnvironmentVariable"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="gemm"/> is not tiled, clblast or auto.</exception>
    public static OpenClOptions Parse(string? gemm) => gemm?.Trim().ToUpperInvariant() switch
    {
        null or "" or "AUTO" or "CLBLAST" => new OpenClOptions(),
        "TILED" => new OpenClOptions { ForceTiledGemm = true },
        _ => throw new ArgumentException($"{GemmEnvironmentVariable}='{gemm}' is not a GEMM engine; use tiled, clblast or auto"),
    };
}
