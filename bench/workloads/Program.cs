using AiProfiler.Backends.Cpu;
using AiProfiler.Bench.Workloads;

// Benchmarks, not tests: they print figures and ratios against references measured in the same run, and never fail
// on a slow machine. Usage: dotnet run -c Release --project bench/workloads [-- inference|attention|gemm-peak|gemv] [name=value ...]
var options = BenchOptions.Parse(args);
var provider = new CpuDeviceProvider();
var info = provider.Discover().Devices[0];
Console.WriteLine($"machine: {info.Name}, {info.ComputeUnits} logical cores, L3 {CacheSize.Describe(CacheSize.LastLevelBytes())}, {info.DriverVersion}");

if (options.Only("gguf"))
{
    GgufModels.Write(options);
    return;
}

if (options.Only("gemv"))
{
    GemvBenchmark.Run(provider, options);
    return;
}

if (options.Runs("inference"))
{
    InferenceBenchmark.Run(provider, options);
}

if (options.Runs("gemm-peak"))
{
    GemmPeakBenchmark.Run(options);
}

if (options.Runs("attention"))
{
    AttentionBenchmark.Run(provider, options);
}
