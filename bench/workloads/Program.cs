using AiProfiler.Abstractions.Parameters;
using AiProfiler.Backends.Cpu;
using AiProfiler.Bench.Workloads;

// Benchmarks, not tests: they print figures and ratios against references measured in the same run, and never fail
// on a slow machine. Usage: dotnet run -c Release --project bench/workloads [-- inference|attention|gemm-peak|gemv|decode-attention|gguf] [name=value ...]
try
{
    return Run(args);
}
catch (Exception e) when (e is ArgumentException or ParameterException or InvalidDataException or FileNotFoundException or NotSupportedException)
{
    // Wrong arguments or an unusable weights file: one line and exit 2, as the agent's CLI does.
    Console.Error.WriteLine($"bench: error: {e.Message}");
    return 2;
}

static int Run(string[] args)
{
    var options = BenchOptions.Parse(args);
    var provider = new CpuDeviceProvider();
    var info = provider.Discover().Devices[0];
    Console.WriteLine($"machine: {info.Name}, {info.ComputeUnits} logical cores, L3 {CacheSize.Describe(CacheSize.LastLevelBytes())}, {info.DriverVersion}");

    if (options.Only("gguf"))
    {
        GgufModels.Write(options);
        return 0;
    }

    if (options.Only("gemv"))
    {
        GemvBenchmark.Run(provider, options);
        return 0;
    }

    if (options.Only("decode-attention"))
    {
        DecodeAttentionBenchmark.Run(provider, options);
        return 0;
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

    return 0;
}
