using AiProfiler.Core.Tests.Plugins;
using Microsoft.Playwright;

namespace AiProfiler.Agent.Tests.Page;

/// <summary>
/// One agent and one headless Chromium for the page's tests. The agent loads the bundled GEMM plugin and a hostile
/// plugin whose shape and implementation strings carry markup, and runs both every 2 s. Chromium is Debian's
/// (<c>/usr/bin/chromium</c>): Playwright never downloads a browser here.
/// </summary>
public sealed class AgentPageFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>What the hostile plugin's workload reports as its shape: it must show as text, never run.</summary>
    public const string HostileShape = "<script>window.__pwned = 1</script><b>bold</b>";

    /// <summary>What the hostile plugin reports as its implementation.</summary>
    public const string HostileImplementation = "<img src=x onerror=\"window.__pwned = 2\">";

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"aiprofiler-page-{Guid.NewGuid():N}");
    private IPlaywright? _playwright;
    private AgentProcess? _agent;

    /// <summary>The agent's address.</summary>
    public Uri BaseAddress => _agent!.BaseAddress;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/ at the repository root, kept by CI as artifacts.</summary>
    public static string ScreenshotDirectory => Path.Combine(Repository.Root, "TestResults", "screenshots");

    /// <summary>Why the browser tests cannot run here, or null.</summary>
    public string? SkipReason { get; } = File.Exists(ChromiumPath) ? null : $"{ChromiumPath} not found; install Debian's chromium package (./test.sh does)";

    public async ValueTask InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        var plugins = Path.Combine(_root, "plugins");
        CopyDirectory(Path.Combine(Repository.Plugins, "AiProfiler.Workloads.Gemm"), Path.Combine(plugins, "AiProfiler.Workloads.Gemm"));
        PluginCompiler.CompileTo(Path.Combine(plugins, "Hostile"), "Hostile", HostileWorkloadSource);
        var config = Path.Combine(_root, "agent.json");
        File.WriteAllText(config, """
            {
              "Logging": { "LogLevel": { "Default": "Warning", "Microsoft.Hosting.Lifetime": "Information" } },
              "Plugins": { "HotReload": false },
              "Calibration": { "OnStart": false },
              "Schedule": { "InitialDelaySeconds": 0, "Jobs": [
                { "Workload": "gemm", "Devices": [ "cpu" ], "Parameters": { "m": "64", "n": "64", "k": "64" },
                  "IntervalSeconds": 2, "Iterations": 3, "WarmupIterations": 1, "TimeBudgetSeconds": 1 },
                { "Workload": "hostile", "Devices": [ "cpu" ], "IntervalSeconds": 2, "Iterations": 2, "WarmupIterations": 0, "TimeBudgetSeconds": 1 }
              ] }
            }
            """);
        _agent = AgentProcess.Start(config, pluginsDirectory: plugins);
        await _agent.WaitForAsync("/readyz");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        _agent?.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string HostileWorkloadSource => $$"""
        using System;
        using System.Collections.Generic;
        using AiProfiler.Abstractions.Devices;
        using AiProfiler.Abstractions.Parameters;
        using AiProfiler.Abstractions.Workloads;
        public sealed class HostileWorkload : IWorkload
        {
            public string Name => "hostile";
            public string Description => "reports markup where names go";
            public IReadOnlyList<ParameterDescriptor> Parameters { get; } = new[] { ParameterDescriptor.Integer("size", 4, 1, 100, "size") };
            public long EstimateMemoryBytes(ParameterSet parameters) => 0;
            public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters) => new Prepared();
            private sealed class Prepared : IPreparedWorkload
            {
                public string Shape => {{Literal(HostileShape)}};
                public string Implementation => {{Literal(HostileImplementation)}};
                public WorkloadCost Cost { get; } = new WorkloadCost(2e6, 1e5, 1, "items");
                public void Run(IterationContext context) => System.Threading.Thread.SpinWait(20000);
                public VerificationResult Verify() => VerificationResult.Pass(0, "nothing to check");
                public void Dispose() { }
            }
        }
        """;

    private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
