using AiProfiler.Abstractions.Kernels;
using AiProfiler.Kernels.Tests;

namespace AiProfiler.Backends.OpenCL.Tests;

[Collection(OpenClDeviceGroup.Name)]
public sealed class OpenClKernelCompilerTests
{
    private const string Saxpy = """
        KERNEL void saxpy(float a, const GLOBAL float* x, GLOBAL float* y, int n)
        {
            int i = GLOBAL_ID(0);
            if (i < n) {
                y[i] = a * x[i] + y[i];
            }
        }
        """;

    private readonly OpenClFixture _fixture;

    public OpenClKernelCompilerTests(OpenClFixture fixture)
    {
        _fixture = fixture;
    }

    private IKernelCompiler Compiler => _fixture.Device.Kernels!;

    [Fact]
    public void Compile_SyntaxError_ThrowsNamingTheKernelAndTheCompilersErrorLine()
    {
        const string broken = "KERNEL void broken(GLOBAL float* x)\n{\n    x[0] = 1.0f\n}\n";

        var error = Assert.Throws<KernelCompilationException>(() => Compiler.Compile(broken, "broken"));

        Assert.Equal("broken", error.KernelName);
        // Line 3 of the caller's source: the prelude does not shift the numbers.
        Assert.StartsWith("kernel 'broken' failed to compile: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("source:3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected ';'", error.Message, StringComparison.Ordinal);
        Assert.Contains("source:3:", error.CompilerLog, StringComparison.Ordinal);
    }

    [Fact]
    public void SourceLines_CompilerIgnoringLineDirectives_NamesTheCallersLine()
    {
        // NVIDIA's OpenCL compiler ignores #line and reports lines of the whole program as <kernel>:N:.
        const string broken = "KERNEL void broken(GLOBAL float* x)\n{\n    x[0] = 1.0f\n}\n";
        var program = OpenClKernelCompiler.Translate(broken).Split('\n');
        var physical = Array.FindIndex(program, l => l.Contains("x[0] = 1.0f", StringComparison.Ordinal)) + 1;
        var log = $"<kernel>:{physical}:16: error: expected ';' after expression\n<kernel>:2:1: note: in the prelude\n";

        var mapped = OpenClKernelCompiler.SourceLines(log);

        Assert.Equal("source:3:16: error: expected ';' after expression\n<kernel>:2:1: note: in the prelude\n", mapped);
    }

    [Fact]
    public void Compile_PluginsOwnKernel_RunsOnTheDevice()
    {
        var kernel = Compiler.Compile(Saxpy, "saxpy");
        using var set = new TensorSet(_fixture.Device).Add("x", [1f, 2f, 3f]).Add("y", [10f, 20f, 30f]);

        kernel.Launch(new KernelRange(64), new KernelRange(64), KernelArgument.Of(2f), KernelArgument.Of(set["x"]), KernelArgument.Of(set["y"]), KernelArgument.Of(3));

        Assert.Equal("saxpy", kernel.Name);
        Assert.Equal([12f, 24f, 36f], set.Read("y"));
    }

    [Fact]
    public void Compile_SameSourceTwice_BuildsTheProgramOnce()
    {
        var compiler = (OpenClKernelCompiler)Compiler;
        const string source = "KERNEL void once(GLOBAL float* x) { x[GLOBAL_ID(0)] = 1.0f; }";
        compiler.Compile(source, "once");
        var programs = compiler.ProgramCount;

        var again = compiler.Compile(source, "once");

        Assert.Equal(programs, compiler.ProgramCount);
        Assert.Equal("once", again.Name);
    }

    [Fact]
    public void Compile_KernelNotInTheSource_ThrowsNamingIt()
    {
        var error = Assert.Throws<KernelCompilationException>(() => Compiler.Compile(Saxpy, "sgemm"));

        Assert.Equal("kernel 'sgemm' failed to compile: error: the source has no kernel named 'sgemm' (declare it with KERNEL void sgemm(...))", error.Message);
    }

    [Fact]
    public void Launch_GlobalSizeNotAMultipleOfTheLocalSize_ThrowsWithTheFix()
    {
        var kernel = Compiler.Compile(Saxpy, "saxpy");

        var error = Assert.Throws<ArgumentException>(() => kernel.Launch(new KernelRange(100), new KernelRange(64)));

        Assert.StartsWith("kernel 'saxpy': global size 100 in dimension 0 is not a positive multiple of the local size 64; round it up with KernelRange.RoundUp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Launch_ArgumentOfTheWrongSize_ThrowsNamingTheArgument()
    {
        var kernel = Compiler.Compile(Saxpy, "saxpy");
        using var set = new TensorSet(_fixture.Device).Zeros("x", 4);

        var error = Assert.Throws<OpenClException>(() =>
            kernel.Launch(new KernelRange(4), new KernelRange(4), KernelArgument.Of(2f), KernelArgument.Of(set["x"]), KernelArgument.Of(set["x"]), KernelArgument.Of(4L)));

        Assert.StartsWith("kernel 'saxpy': argument 3 (Int64) was refused: CL_INVALID_ARG_SIZE (-51)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_Source_PutsTheOpenClPreludeFirstAndRestartsLineNumbers()
    {
        var text = OpenClKernelCompiler.Translate("KERNEL void k() {}");

        Assert.StartsWith(PortableKernelDialect.OpenCLPrelude, text, StringComparison.Ordinal);
        Assert.EndsWith("\n#line 1 \"source\"\nKERNEL void k() {}", text, StringComparison.Ordinal);
    }
}
