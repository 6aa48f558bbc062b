using System.Text.RegularExpressions;
using AiProfiler.Core.Tests.Plugins;

namespace AiProfiler.Agent.Tests.Hosting;

/// <summary>
/// Bad plugins of every kind beside the bundled GEMM in one real agent: the agent keeps serving and running GEMM on its
/// schedule, each bad plugin's failure is logged with its cause, and the crash-loopers are quarantined.
/// </summary>
public sealed partial class WorkerIsolationTests : IDisposable
{
    private static readonly (string Name, string RunBody)[] Crashers =
    [
        ("exit", "Environment.Exit(42);"),
        ("failfast", "Environment.FailFast(\"plugin gave up\");"),
        ("overflow", "Recurse(1);"),
        ("threadthrow", "var t = new System.Threading.Thread(() => throw new InvalidOperationException(\"from a plugin thread\")); t.Start(); t.Join();"),
        ("hang", "while (true) { System.Threading.Thread.Sleep(1000); }"),
    ];

    /// <summary>Plugins whose run fails while their worker lives on: failed runs, never a quarantine.</summary>
    private static readonly (string Name, string RunBody)[] Failers =
    [
        ("throws", "throw new InvalidOperationException(\"plugin bug\");"),
        ("oom", "var keep = new List<byte[]>(); while (true) { keep.Add(new byte[64 << 20]); }"),
        ("disposethrows", "DisposeThrows = true;"),
    ];

    /// <summary>Plugins whose runs pass but misbehave otherwise.</summary>
    private static readonly (string Name, string RunBody)[] Passers =
    [
        ("flood", "for (var i = 0; i < 1200; i++) { context.Record(\"flood_\" + i, i); }"),
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "aiprofiler-isolation-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Run_BadPluginsBesideGemm_AgentKeepsServingAndNamesEachCause()
    {
        var plugins = Path.Combine(_root, "plugins");
        CopyFolder(Path.Combine(Repository.Plugins, "AiProfiler.Workloads.Gemm"), Path.Combine(plugins, "AiProfiler.Workloads.Gemm"));
        foreach (var (name, body) in Crashers.Concat(Failers).Concat(Passers))
        {
            PluginCompiler.CompileTo(Path.Combine(plugins, "Bad." + name), "Bad." + name, RunningWorkload(name, body));
        }

        PluginCompiler.CompileTo(Path.Combine(plugins, "Bad.ctorblocks"), "Bad.ctorblocks", PluginCompiler.WorkloadSource("ctorblocks", "System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);"));
        PluginCompiler.CompileTo(Path.Combine(plugins, "Bad.ctorfailfast"), "Bad.ctorfailfast", PluginCompiler.WorkloadSource("ctorfailfast", "Environment.FailFast(\"at load\");"));
        PluginCompiler.CompileTo(Path.Combine(plugins, "Bad.duplicate"), "Bad.duplicate", PluginCompiler.WorkloadSource("GEMM"));
        PluginCompiler.CompileTo(Path.Combine(plugins, "Bad.deps"), "Bad.deps", PluginCompiler.WorkloadSource("deps"));
        PluginCompiler.CompileTo(Path.Combine(plugins, "Bad.samplerhang"), "Bad.samplerhang", """
            using AiProfiler.Abstractions.Sampling;
            public sealed class StuckProbe : ISampler
            {
                public string Name => "stuck_probe";
                public string? Start() => null;
                public void Collect(IMetricWriter writer) => System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
                public void Dispose() { }
            }
            """);
        PluginCompiler.CompileTo(Path.Combine(plugins, "Bad.namethrows"), "Bad.namethrows", RunningWorkload("namethrows", "").Replace(
            "public string Name => \"namethrows\";", "public string Name => throw new InvalidOperationException(\"no name\");", StringComparison.Ordinal));
        PluginCompiler.CompileTo(Path.Combine(plugins, "Bad.paramsthrow"), "Bad.paramsthrow", RunningWorkload("paramsthrow", "").Replace(
            "public IReadOnlyList<ParameterDescriptor> Parameters { get; } = new[]", "public IReadOnlyList<ParameterDescriptor> Parameters => throw new InvalidOperationException(\"no parameters\"); private static readonly ParameterDescriptor[] Unused =", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(plugins, "Bad.deps", "Bad.deps.deps.json"), "{ \"runtimeTarget\": ");

        var jobs = Crashers.Concat(Failers).Concat(Passers).Select(c => $$"""{ "Workload": "{{c.Name}}", "Devices": ["cpu"], "IntervalSeconds": 1, "Iterations": 1, "WarmupIterations": 0, "TimeoutSeconds": 3 }""")
            .Prepend("""{ "Workload": "gemm", "Devices": ["cpu"], "Parameters": { "m": "64", "n": "64", "k": "64" }, "IntervalSeconds": 1, "Iterations": 2 }""");
        var config = Path.Combine(_root, "config.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Plugins": { "Directory": "{{plugins}}", "HotReload": false },
              "Workers": { "QuarantineAfterDeaths": 2, "QuarantineSeconds": 600, "ProbeTimeoutSeconds": 8, "MemoryLimitMegabytes": 512 },
              "Schedule": { "InitialDelaySeconds": 0, "Jobs": [ {{string.Join(",", jobs)}} ] }
            }
            """);

        using var agent = AgentProcess.Start(config, pluginsDirectory: plugins);
        await agent.WaitForAsync("/readyz", timeoutSeconds: 120);

        // Every crasher dies twice (quarantined) while GEMM keeps running on its schedule; bounded by WaitForAsync.
        await agent.WaitForAsync("/healthz", _ => Crashers.All(c => agent.Log.Contains($"Plugin Bad.{c.Name} quarantined", StringComparison.Ordinal)), timeoutSeconds: 90);

        // The agent keeps going for a full minute beside all of them, as a service would, before it is judged.
        var sinceStart = DateTime.Now - agent.Process.StartTime;
        if (sinceStart < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromSeconds(60) - sinceStart);
        }

        var metrics = await agent.WaitForAsync("/metrics");

        Assert.False(agent.Process.HasExited);
        Assert.Contains("aiprofiler_runs_total{", metrics, StringComparison.Ordinal);
        Assert.True(GemmRuns().Count(agent.Log) >= 3, agent.Log);
        var log = agent.Log;
        void Logged(string text) => Assert.True(log.Contains(text, StringComparison.Ordinal), $"not logged: {text}\n{log}");
        void NotLogged(string text) => Assert.False(log.Contains(text, StringComparison.Ordinal), $"logged: {text}\n{log}");
        Logged("worker exited: exit code 42");
        Logged("worker exited: Environment.FailFast: plugin gave up");
        Logged("worker exited: stack overflow");
        Logged("worker exited: unhandled exception on a plugin thread: System.InvalidOperationException: from a plugin thread");
        Logged("timed out after 3 s; the worker was killed");
        Logged("[size=4] did not complete: measuring failed: plugin bug");
        Logged("[size=4] did not complete: measuring failed: out of memory: the sizes need more than the process can allocate; choose smaller sizes");
        NotLogged("Plugin Bad.throws quarantined");
        Logged("Plugin Bad.ctorblocks skipped: loading it did not finish within 8 s");
        Logged("Plugin Bad.ctorfailfast skipped: loading it ended the probe process (worker exited: Environment.FailFast: at load)");
        Logged("Plugin Bad.duplicate skipped: workload 'GEMM' is already offered by " + Path.Combine(plugins, "AiProfiler.Workloads.Gemm"));
        Logged("Plugin Bad.deps skipped:");
        Logged("[size=4] did not complete: releasing failed: dispose bug");
        Logged("Plugin Bad.namethrows skipped:");
        Logged("Plugin Bad.paramsthrow skipped:");
        Logged("sampler stuck_probe hung: Collect did not return within 2 s");
        Logged("Workload flood records more than 32 distinct measurement names");
        Assert.Contains("aiprofiler_sampler_success{sampler=\"stuck_probe\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("aiprofiler_sampler_success{sampler=\"cpu\"} 1", metrics, StringComparison.Ordinal);
    }

    private static string RunningWorkload(string name, string runBody) => $$"""
        using System;
        using System.Collections.Generic;
        using AiProfiler.Abstractions.Devices;
        using AiProfiler.Abstractions.Parameters;
        using AiProfiler.Abstractions.Workloads;
        public sealed class BadWorkload : IWorkload
        {
            public string Name => "{{name}}";
            public string Description => "misbehaves";
            public IReadOnlyList<ParameterDescriptor> Parameters { get; } = new[] { ParameterDescriptor.Integer("size", 4, 1, 100, "size") };
            public long EstimateMemoryBytes(ParameterSet parameters) => 0;
            public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters) => new Prepared();
            private sealed class Prepared : IPreparedWorkload
            {
                public string Shape => "bad";
                public string Implementation => "bad";
                public WorkloadCost Cost => new(1, 1, 1, "items");
                public void Run(IterationContext context) { {{runBody}} }
                public VerificationResult Verify() => VerificationResult.Pass(0, "ok");
                public void Dispose() { if (DisposeThrows) throw new InvalidOperationException("dispose bug"); }
                private static bool DisposeThrows;
                private static int Recurse(int depth) => Recurse(depth + 1) + 1;
            }
        }
        """;

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    [GeneratedRegex(@"Run gemm on cpu \[")]
    private static partial Regex GemmRuns();
}
