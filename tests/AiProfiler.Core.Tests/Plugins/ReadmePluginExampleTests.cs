using System.Text.RegularExpressions;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Backends.Cpu;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Running;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Tests.Plugins;

/// <summary>The plugin example in the README is the documentation plugin authors copy: it must build, load and verify.</summary>
public sealed partial class ReadmePluginExampleTests : IDisposable
{
    private readonly TemporaryDirectory _plugins = new();

    public void Dispose() => _plugins.Dispose();

    [Fact]
    public async Task ReadmeExample_CompilesLoadsRunsAndVerifies()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var source = CSharpBlock().Match(readme).Groups[1].Value;
        Assert.Contains("StreamAddWorkload", source, StringComparison.Ordinal);
        PluginCompiler.CompileTo(_plugins.File("MyWorkloads"), "MyWorkloads", "global using System; global using System.Linq; global using System.Collections.Generic;\n" + source);
        using var catalog = new PluginCatalog(Options.Create(new PluginCatalogOptions { Directory = _plugins.Path, HotReload = false }), NullLogger<PluginCatalog>.Instance);
        catalog.LoadAll();
        var workload = catalog.FindWorkload("stream_add");
        Assert.NotNull(workload);
        using var cpu = new CpuDeviceProvider("simd").Open(0);

        var result = await new Runner().RunAsync(workload, cpu, ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string> { ["n"] = "4096" }), new RunOptions { Iterations = 3 });

        Assert.Equal(RunOutcome.Passed, result.Outcome);
        Assert.Equal(4096 * 12.0, result.Cost!.Bytes);
    }

    [GeneratedRegex("A complete plugin.*?```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
