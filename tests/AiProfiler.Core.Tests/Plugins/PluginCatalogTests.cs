using System.Runtime.CompilerServices;
using AiProfiler.Core.Plugins;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Tests.Plugins;

public sealed class PluginCatalogTests : IDisposable
{
    private readonly TemporaryDirectory _plugins = new();
    private readonly TestLogger<PluginCatalog> _log = new();

    public void Dispose() => _plugins.Dispose();

    [Fact]
    public void LoadAll_GoodPlugin_ProvidesItsWorkload()
    {
        PluginCompiler.CompileTo(_plugins.File("Good"), "Good", PluginCompiler.WorkloadSource("good"));
        using var catalog = Create();

        catalog.LoadAll();

        var workload = catalog.FindWorkload("good");
        Assert.NotNull(workload);
        Assert.Equal("size", Assert.Single(workload.Parameters).Name);
        Assert.Equal(PluginStatus.Loaded, Assert.Single(catalog.Plugins).Status);
    }

    [Fact]
    public void LoadAll_PluginsWithAndWithoutAHostMemoryEstimate_TheCatalogsWorkloadPassesItOnOrSaysZero()
    {
        var withEstimate = PluginCompiler.WorkloadSource("copies").Replace(
            "public long EstimateMemoryBytes(ParameterSet parameters) => 0;",
            "public long EstimateMemoryBytes(ParameterSet parameters) => 0; public long EstimateHostMemoryBytes(ParameterSet parameters) => 12345;",
            StringComparison.Ordinal);
        PluginCompiler.CompileTo(_plugins.File("Copies"), "Copies", withEstimate);
        PluginCompiler.CompileTo(_plugins.File("Older"), "Older", PluginCompiler.WorkloadSource("older"));
        using var catalog = Create();

        catalog.LoadAll();

        var copies = catalog.FindWorkload("copies")!;
        var older = catalog.FindWorkload("older")!;
        Assert.Equal(12345, copies.EstimateHostMemoryBytes(Abstractions.Parameters.ParameterSet.Create("copies", copies.Parameters)));
        Assert.Equal(0, older.EstimateHostMemoryBytes(Abstractions.Parameters.ParameterSet.Create("older", older.Parameters)));
    }

    [Fact]
    public void LoadAll_EachKindOfBadPlugin_IsSkippedWithOneLineWhileTheGoodOneLoads()
    {
        PluginCompiler.CompileTo(_plugins.File("Good"), "Good", PluginCompiler.WorkloadSource("good"));
        PluginCompiler.CompileTo(_plugins.File("Future"), "Future", "public sealed class F : AiProfiler.Abstractions.Workloads.IWorkload { public string Name => \"f\"; }", PluginCompiler.ContractVersion(2));
        Directory.CreateDirectory(_plugins.File("Corrupt"));
        File.WriteAllBytes(Path.Combine(_plugins.File("Corrupt"), "Corrupt.dll"), [0x4d, 0x5a, 0x90, 0x00, 1, 2, 3, 4, 5, 6]);
        PluginCompiler.CompileTo(_plugins.File("NoWorkload"), "NoWorkload", "internal sealed class Hidden { public AiProfiler.Abstractions.Workloads.IWorkload? W; }");
        Directory.CreateDirectory(_plugins.File("EmptyFolder"));
        PluginCompiler.CompileTo(_plugins.File("Throws"), "Throws", PluginCompiler.WorkloadSource("throws", "throw new InvalidOperationException(\"no licence\");"));
        using var catalog = Create();

        catalog.LoadAll();

        Assert.NotNull(catalog.FindWorkload("good"));
        Assert.Equal(["good"], catalog.Workloads.Select(w => w.Name));
        string Reason(string name) => Assert.Single(catalog.Plugins, p => p.Name == name).Error!;
        Assert.Contains("built against contract 2.0.0.0 but this agent has contract 1.0.0.0", Reason("Future"), StringComparison.Ordinal);
        Assert.Contains("Corrupt.dll is not a valid .NET assembly", Reason("Corrupt"), StringComparison.Ordinal);
        Assert.StartsWith("no workload: no public IWorkload", Reason("NoWorkload"), StringComparison.Ordinal);
        Assert.StartsWith("no workload: no assembly in the folder references AiProfiler.Abstractions", Reason("EmptyFolder"), StringComparison.Ordinal);
        Assert.Equal("threw while loading: InvalidOperationException: no licence; fix the plugin and copy it again", Reason("Throws"));
        var warnings = _log.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).ToArray();
        Assert.Equal(5, warnings.Length);
        Assert.All(warnings, w => Assert.DoesNotContain('\n', w));
    }

    [Fact]
    public void LoadAll_PluginWithASampler_CreatesItForTheSamplerHost()
    {
        PluginCompiler.CompileTo(_plugins.File("Probe"), "Probe", """
            using AiProfiler.Abstractions.Sampling;
            public sealed class FanProbe : ISampler
            {
                public string Name => "fan_probe";
                public string? Start() => null;
                public void Collect(IMetricWriter writer) => writer.Gauge("fan_probe_speed", "1", "fan speed", 0.5);
                public void Dispose() { }
            }
            """);
        using var catalog = Create();

        catalog.LoadAll();

        var sampler = Assert.Single(catalog.CreatePluginSamplers());
        Assert.Equal("fan_probe", sampler.Name);
        Assert.Null(sampler.Start());
        Assert.Equal(PluginStatus.Loaded, Assert.Single(catalog.Plugins).Status);
    }

    [Fact]
    public void Unload_LoadedPlugin_ContextIsCollected()
    {
        PluginCompiler.CompileTo(_plugins.File("Good"), "Good", PluginCompiler.WorkloadSource("good"));
        using var catalog = Create();
        catalog.LoadAll();

        var context = UnloadWithoutKeepingReferences(catalog);

        for (var i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(context.IsAlive, "the plugin's load context was not collected after unloading");
        Assert.Null(catalog.FindWorkload("good"));
    }

    [Fact]
    public void HotReload_PluginReplacedOnDisk_NewVersionIsServedWithoutRestart()
    {
        var folder = _plugins.File("Swap");
        var dll = PluginCompiler.CompileTo(folder, "Swap", PluginCompiler.WorkloadSource("before"));
        using var catalog = Create(hotReload: true);
        catalog.LoadAll();
        Assert.NotNull(catalog.FindWorkload("before"));

        // Loaded from memory, so the file is not locked and can be overwritten in place.
        PluginCompiler.CompileTo(folder, "Swap", PluginCompiler.WorkloadSource("after"));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (catalog.FindWorkload("after") is null && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.NotNull(catalog.FindWorkload("after"));
        Assert.Null(catalog.FindWorkload("before"));
        Assert.True(File.Exists(dll));
    }

    [Fact]
    public void HotReload_NewFolderDropped_IsLoaded()
    {
        using var catalog = Create(hotReload: true);
        catalog.LoadAll();
        Assert.Empty(catalog.Workloads);

        PluginCompiler.CompileTo(_plugins.File("Late"), "Late", PluginCompiler.WorkloadSource("late"));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (catalog.FindWorkload("late") is null && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.NotNull(catalog.FindWorkload("late"));
    }

    [Fact]
    public void LoadAll_MissingDirectory_LogsOnceAndLoadsNothing()
    {
        using var catalog = new PluginCatalog(Options.Create(new PluginCatalogOptions { Directory = _plugins.File("absent"), HotReload = true }), _log);

        catalog.LoadAll();

        Assert.Empty(catalog.Plugins);
        Assert.Contains(_log.Lines, l => l.Message.Contains("does not exist", StringComparison.Ordinal));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference UnloadWithoutKeepingReferences(PluginCatalog catalog) => catalog.Unload("Good")!;

    private PluginCatalog Create(bool hotReload = false) =>
        new(Options.Create(new PluginCatalogOptions { Directory = _plugins.Path, HotReload = hotReload, DebounceMilliseconds = 100 }), _log);
}
