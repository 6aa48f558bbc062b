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

var configuration = new ConfigurationBuilder().Build();
var services = new ServiceCollection()
    .AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information))
    .AddAiProfilerTelemetry(configuration)
    .BuildServiceProvider();
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

// Warm-up: JIT and first-touch of every file, not counted.
for (var i = 0; i < 3; i++)
{
    host.CollectDue();
    Thread.Sleep(1000);
}

durations.Clear();
var idleStart = Environment.CpuUsage.TotalTime;
var idleClock = Stopwatch.StartNew();
Thread.Sleep(TimeSpan.FromSeconds(idleSeconds));
var idleCpu = (Environment.CpuUsage.TotalTime - idleStart).TotalSeconds;
var idleWall = idleClock.Elapsed.TotalSeconds;

var cycles = new List<double>();
var cpuStart = Environment.CpuUsage.TotalTime;
var wall = Stopwatch.StartNew();
var next = TimeSpan.Zero;
for (var i = 0; i < seconds; i++)
{
    var wait = next - wall.Elapsed;
    if (wait > TimeSpan.Zero)
    {
        Thread.Sleep(wait);
    }

    var start = Stopwatch.GetTimestamp();
    host.CollectDue();
    cycles.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    listener.RecordObservableInstruments();
    next += TimeSpan.FromSeconds(1);
}

var wait2 = next - wall.Elapsed;
if (wait2 > TimeSpan.Zero)
{
    Thread.Sleep(wait2);
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
