using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Backends.Cpu;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Running;
using AiProfiler.Core.Workers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// What running workloads in worker processes costs, against running them in-process, in the same run:
//  1. time from a scheduled run's start to its first iteration: in-process, a warm worker (kept per plugin, the
//     agent's choice), and a fresh worker per run (the alternative);
//  2. GEMM 512^3 GFLOP/s in a warm worker against in-process, alternating, best of the rounds (target: ratio >= 0.95);
//  3. a hot-reload soak: the plugin folder replaced 100 times while runs go on, the agent's RSS every 10 cycles.
var root = FindRoot();
var rounds = ReadOption(args, "--rounds", 5);
var cycles = ReadOption(args, "--cycles", 100);
var agent = Path.Combine(root, "src/AiProfiler.Agent/bin/Release/net10.0", OperatingSystem.IsWindows() ? "aiprofiler.exe" : "aiprofiler");
var launch = new WorkerLaunch(agent, ["worker"]);
var workerOptions = Options.Create(new WorkerOptions());

var plugins = Path.Combine(Path.GetTempPath(), "aiprofiler-worker-bench-" + Guid.NewGuid().ToString("N"));
CopyFolder(Path.Combine(root, "plugins/AiProfiler.Workloads.Gemm"), Path.Combine(plugins, "Gemm"));
using var catalog = new PluginCatalog(Options.Create(new PluginCatalogOptions { Directory = plugins, HotReload = false }), NullLogger<PluginCatalog>.Instance, probe: new WorkerPluginProbe(launch, workerOptions));
catalog.LoadAll();
var provider = new CpuDeviceProvider();
var info = provider.Discover().Devices[0];
using var cpu = provider.Open(0);
var workload = catalog.FindWorkload("gemm") ?? throw new InvalidOperationException("gemm did not load: " + catalog.Plugins[0].Error);
var parameters = ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string> { ["m"] = "512", ["n"] = "512", ["k"] = "512" });
var options = new RunOptions { Iterations = 20, WarmupIterations = 2, TimeBudget = TimeSpan.FromSeconds(5), Verify = false };
var quick = options with { Iterations = 1, WarmupIterations = 0 };

await using var warmPool = NewPool();
var inProcessStart = new List<double>();
var warmStart = new List<double>();
var freshStart = new List<double>();
var inProcessRate = new List<double>();
var workerRate = new List<double>();
await warmPool.RunAsync(catalog.Plugins[0], "gemm", info, parameters, quick);
for (var round = 0; round < rounds; round++)
{
    inProcessStart.Add(await StartLatencyAsync((p, c) => new Runner().RunAsync(workload, cpu, parameters, quick, p, c)));
    warmStart.Add(await StartLatencyAsync((p, c) => warmPool.RunAsync(catalog.Plugins[0], "gemm", info, parameters, quick, p, c)));
    await using (var fresh = NewPool())
    {
        freshStart.Add(await StartLatencyAsync((p, c) => fresh.RunAsync(catalog.Plugins[0], "gemm", info, parameters, quick, p, c)));
    }

    inProcessRate.Add((await new Runner().RunAsync(workload, cpu, parameters, options)).FlopsPerSecond / 1e9);
    workerRate.Add((await warmPool.RunAsync(catalog.Plugins[0], "gemm", info, parameters, options)).FlopsPerSecond / 1e9);
}

Console.WriteLine(Invariant($"start to first iteration (median of {rounds}): in-process {Median(inProcessStart):0.0} ms, warm worker {Median(warmStart):0.0} ms, fresh worker per run {Median(freshStart):0.0} ms"));
Console.WriteLine(Invariant($"GEMM 512^3 (best of {rounds}): in-process {inProcessRate.Max():0.00} GFLOP/s, worker {workerRate.Max():0.00} GFLOP/s, ratio {workerRate.Max() / inProcessRate.Max():0.000} (target >= 0.95)"));

// The soak: replace the folder's files (a new copy, as an upgrade would), reload, run once through the pool (which
// replaces the plugin's worker), and read the agent's own resident memory after a full collection.
var source = Path.Combine(root, "plugins/AiProfiler.Workloads.Gemm");
for (var cycle = 1; cycle <= cycles; cycle++)
{
    CopyFolder(source, Path.Combine(plugins, "Gemm"));
    catalog.Reload("Gemm");
    var result = await warmPool.RunAsync(catalog.Plugins[0], "gemm", info, parameters, quick);
    if (!result.Measured)
    {
        throw new InvalidOperationException($"cycle {cycle}: {result.Error}");
    }

    if (cycle % 10 == 0)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(Invariant($"hot reload cycle {cycle,3}: agent RSS {self.WorkingSet64 / 1048576.0:0.0} MiB"));
    }
}

Directory.Delete(plugins, recursive: true);
return 0;

WorkerPool NewPool() => new(launch, workerOptions, new PluginQuarantine(workerOptions), NullLogger<WorkerPool>.Instance);

static async Task<double> StartLatencyAsync(Func<IProgress<RunProgress>, CancellationToken, Task<RunResult>> run)
{
    var clock = Stopwatch.StartNew();
    var first = double.NaN;
    var progress = new FirstIteration(() => first = double.IsNaN(first) ? clock.Elapsed.TotalMilliseconds : first);
    var result = await run(progress, CancellationToken.None);
    return result.Measured ? first : throw new InvalidOperationException(result.Error);
}

static double Median(List<double> values) => RunStatistics.From(values).Median;

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

static int ReadOption(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static void CopyFolder(string from, string to)
{
    Directory.CreateDirectory(to);
    foreach (var file in Directory.EnumerateFiles(from))
    {
        File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }
}

static string FindRoot()
{
    for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
    {
        if (File.Exists(Path.Combine(dir, "AiProfiler.sln")))
        {
            return dir;
        }
    }

    throw new InvalidOperationException("run from inside the repository");
}

/// <summary>Marks the moment the first iteration starts (the first warm-up or measuring report).</summary>
internal sealed class FirstIteration(Action mark) : IProgress<RunProgress>
{
    public void Report(RunProgress value)
    {
        if (value.Phase is "warm-up" or "measuring")
        {
            mark();
        }
    }
}
