using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using AiProfiler.Telemetry;
using AiProfiler.Telemetry.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// What all samplers cost in-process at a 1 s interval: CPU seconds used as a share of one core, net of an idle
// window measured first in the same run, and the time one sampling cycle takes. Targets: under 0.5 % of one core,
// cycle p99 under 5 ms.
var seconds = ReadOption(args, "--seconds", 30);
var idleSeconds = ReadOption(args, "--idle-seconds", 10);
const double cpuTargetPercent = 0.5;
const double cycleTargetMs = 5;

// Tiered compilation (with dynamic PGO) recompiles a method after it has been called some 30 times, twice, in the
// background; at a 1 s interval that would land inside the measured window. A throw-away host on a clock running
// 1000 times fast takes the sampling code through those stages first, so the measured host shows the steady state.
using (var warmUp = BuildServices(0.1, new FastClock(1000)))
{
    var warmUpHost = warmUp.GetServices<IHostedService>().OfType<SamplerHost>().Single();
    warmUpHost.StartSamplers();
    for (var round = 0; round < 10; round++)
    {
        for (var i = 0; i < 40; i++)
        {
            warmUpHost.CollectDue();
            Thread.Sleep(1);
        }

        Thread.Sleep(300);
    }
}

using var services = BuildServices(1);
var host = services.GetServices<IHostedService>().OfType<SamplerHost>().Single();

var durations = new Dictionary<string, List<double>>();
using var listener = new MeterListener
{
    InstrumentPublished = (instrument, l) =>
    {
        if (ReferenceEquals(instrument.Meter, host.Meter) && instrument.Name == "aiprofiler_sampler_duration")
        {
            l.EnableMeasurementEvents(instrument);
        }
    },
};
listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
{
    foreach (var tag in tags)
    {
        if (tag.Key == "sampler")
        {
            var name = (string)tag.Value!;
            if (!durations.TryGetValue(name, out var list))
            {
                durations[name] = list = [];
            }

            list.Add(value * 1000);
        }
    }
});
listener.Start();

host.StartSamplers();

host.CollectDue();

// Let the runtime's background work from the warm-up (tier-1 compiles, the disposed host's finalizers) settle first.
Thread.Sleep(3000);
durations.Clear();
var idleStart = Environment.CpuUsage.TotalTime;
var idleClock = Stopwatch.StartNew();
Thread.Sleep(TimeSpan.FromSeconds(idleSeconds));
var idleCpu = (Environment.CpuUsage.TotalTime - idleStart).TotalSeconds;
var idleWall = idleClock.Elapsed.TotalSeconds;

var cycles = new List<double>();
var cpuStart = Environment.CpuUsage.TotalTime;
var wall = Stopwatch.StartNew();
while (cycles.Count < seconds)
{
    // TimeProvider.System's timestamps are Stopwatch timestamps, so the host's due time can be waited for directly.
    var due = host.NextDueTimestamp() ?? Stopwatch.GetTimestamp();
    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
    if (wait > TimeSpan.Zero)
    {
        Thread.Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)));
    }

    var start = Stopwatch.GetTimestamp();
    var collected = host.CollectDue();
    var cycle = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    if (collected > 0)
    {
        cycles.Add(cycle);
        listener.RecordObservableInstruments();
    }
}

var cpu = (Environment.CpuUsage.TotalTime - cpuStart).TotalSeconds;
var elapsed = wall.Elapsed.TotalSeconds;
var grossPercent = 100 * cpu / elapsed;
var idlePercent = 100 * idleCpu / idleWall;
var netPercent = grossPercent - idlePercent;
var p50 = Percentile(cycles, 0.50);
var p99 = Percentile(cycles, 0.99);

var running = durations.Keys.Order(StringComparer.Ordinal).ToList();
var unavailable = host.EnabledSamplers.Except(running).Order(StringComparer.Ordinal).ToList();
Console.WriteLine(Invariant($"sampler-cost: {cycles.Count} cycles at a 1 s interval, {running.Count} samplers collecting ({string.Join(", ", running)}); unavailable here: {string.Join(", ", unavailable)}"));
Console.WriteLine(Invariant($"CPU: {cpu:F3} s over {elapsed:F1} s = {grossPercent:F3} % of one core; idle reference {idlePercent:F3} %; net {netPercent:F3} % (target < {cpuTargetPercent} %: {netPercent / cpuTargetPercent:F2} of target, {(netPercent < cpuTargetPercent ? "PASS" : "FAIL")})"));
Console.WriteLine(Invariant($"cycle: p50 {p50:F3} ms, p99 {p99:F3} ms, max {cycles.Max():F3} ms (target p99 < {cycleTargetMs} ms: {p99 / cycleTargetMs:F2} of target, {(p99 < cycleTargetMs ? "PASS" : "FAIL")})"));
foreach (var name in running)
{
    var list = durations[name];
    Console.WriteLine(Invariant($"  {name,-10} mean {list.Average():F3} ms, p99 {Percentile(list, 0.99):F3} ms"));
}

static ServiceProvider BuildServices(double intervalSeconds, TimeProvider? clock = null)
{
    string[] samplers = ["nvml", "cpu", "meminfo", "loadavg", "pressure", "cpufreq", "rapl", "hwmon", "process", "windows"];
    var settings = samplers.ToDictionary(s => $"Samplers:{s}:IntervalSeconds", _ => (string?)intervalSeconds.ToString(CultureInfo.InvariantCulture));
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    var services = new ServiceCollection();
    if (clock is not null)
    {
        services.AddSingleton(clock);
    }

    return services
        .AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(intervalSeconds < 1 ? LogLevel.Warning : LogLevel.Information))
        .AddAiProfilerTelemetry(configuration)
        .BuildServiceProvider();
}

static double Percentile(List<double> values, double quantile)
{
    var sorted = values.Order().ToArray();
    var rank = (int)Math.Ceiling(quantile * sorted.Length) - 1;
    return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
}

static int ReadOption(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
        ? value
        : fallback;
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

/// <summary>A clock whose timestamps run <paramref name="speedUp"/> times faster than real time.</summary>
internal sealed class FastClock(long speedUp) : TimeProvider
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => _origin + ((Stopwatch.GetTimestamp() - _origin) * speedUp);
}
