using System.Text.RegularExpressions;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Ilgpu;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>The README's plugin with a C# kernel is what plugin authors copy: it must build, load as a plugin, run on ilgpu-cpu and verify.</summary>
[Collection(IlgpuEmulatorCollection.Name)]
public sealed partial class ReadmeIlgpuPluginExampleTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    private string Plugins => _folder.Path;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ReadmeExample_CompilesLoadsRunsItsCSharpKernelAndVerifies()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var source = CSharpBlock().Match(readme).Groups[1].Value;
        Assert.Contains("SaxpyWorkload", source, StringComparison.Ordinal);
        Compile(Path.Combine(Plugins, "MyKernels"), "global using System; global using System.Linq; global using System.Collections.Generic;\n" + source);
        using var catalog = new PluginCatalog(Options.Create(new PluginCatalogOptions { Directory = Plugins, HotReload = false }), NullLogger<PluginCatalog>.Instance);
        catalog.LoadAll();
        var workload = catalog.FindWorkload("saxpy_csharp");
        Assert.NotNull(workload);

        var result = await new Runner().RunAsync(workload, IlgpuTestDevices.Cpu(),
            ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string> { ["n"] = "1000" }),
            new RunOptions { Iterations = 3, WarmupIterations = 1 });

        Assert.True(result.Outcome == RunOutcome.Passed, $"{result.Outcome}: {result.Error} {result.Verification?.Detail}");
        Assert.Equal("y = 4 after 4 runs", result.Verification!.Detail);
    }

    [Fact]
    public async Task ReadmeExample_OnTheCpuBackend_IsRefusedWithOneLine()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        Compile(Path.Combine(Plugins, "MyKernels"), "global using System; global using System.Linq; global using System.Collections.Generic;\n" + CSharpBlock().Match(readme).Groups[1].Value);
        using var catalog = new PluginCatalog(Options.Create(new PluginCatalogOptions { Directory = Plugins, HotReload = false }), NullLogger<PluginCatalog>.Instance);
        catalog.LoadAll();
        using var cpu = Testing.TestDevices.Cpu();

        var result = await new Runner().RunAsync(catalog.FindWorkload("saxpy_csharp")!, cpu,
            ParameterSet.Create("saxpy_csharp", catalog.FindWorkload("saxpy_csharp")!.Parameters, new Dictionary<string, string>()), new RunOptions { Iterations = 1 });

        Assert.NotEqual(RunOutcome.Passed, result.Outcome);
        Assert.Contains("saxpy_csharp runs on ilgpu-* devices, not on 'cpu'", result.Error, StringComparison.Ordinal);
    }

    private static void Compile(string folder, string source)
    {
        Directory.CreateDirectory(folder);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
            .Concat([typeof(IDevice).Assembly.Location, typeof(IIlgpuDevice).Assembly.Location, typeof(ILGPU.Context).Assembly.Location])
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("MyKernels", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var result = compilation.Emit(Path.Combine(folder, "MyKernels.dll"));
        Assert.True(result.Success, string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
    }

    [GeneratedRegex("A complete plugin with a C# kernel:.*?```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
