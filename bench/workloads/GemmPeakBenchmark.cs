using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;

namespace AiProfiler.Bench.Workloads;

/// <summary>
/// fp32 GEMM (C = A·B, square) on all cores: the CPU backend's own kernel against OpenBLAS and against the FMA loop's
/// peak, all three taking turns in each round so a neighbour's load lands on each; medians over the rounds, and the
/// ratios own/peak (target at least 0.75), OpenBLAS/peak and own/OpenBLAS.
/// </summary>
internal static class GemmPeakBenchmark
{
    public static void Run(BenchOptions options)
    {
        var sizes = options.Get("sizes", "1024,2048,4096").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rounds = options.GetInt32("rounds", 5);
        var threads = options.GetInt32("threads", Environment.ProcessorCount);
        using var own = OpenWithThreads("simd", threads);
        using var blas = TryOpen("openblas", threads);
        Console.WriteLine($"gemm-peak: fp32 C = A*B on {threads} threads, {rounds} rounds of (own, openblas, fma loop); own kernel {CpuGemmEngine.ManagedKernel}{(blas is null ? "; openblas not installed (apt-get install libopenblas0)" : "")}");
        Console.WriteLine("  size   own GFLOP/s  openblas GFLOP/s  fma-peak GFLOP/s  own/peak  openblas/peak  own/openblas");
        foreach (var n in sizes)
        {
            var flops = 2.0 * n * n * n;
            var ownRates = new List<double>();
            var blasRates = new List<double>();
            var peakRates = new List<double>();
            using var ownCase = new GemmCase(own, n);
            using var blasCase = blas is null ? null : new GemmCase(blas, n);
            ownCase.Run();
            blasCase?.Run();
            for (var round = 0; round < rounds; round++)
            {
                ownRates.Add(flops / ownCase.Time());
                if (blasCase is not null)
                {
                    blasRates.Add(flops / blasCase.Time());
                }

                peakRates.Add(FmaLoop.Measure(threads, 0.2));
            }

            double ownMedian = Statistics.Percentile(ownRates, 50), peak = Statistics.Percentile(peakRates, 50);
            var blasMedian = blasRates.Count > 0 ? Statistics.Percentile(blasRates, 50) : double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {n,5}  {ownMedian / 1e9,11:0.0}  {blasMedian / 1e9,16:0.0}  {peak / 1e9,16:0.0}  {ownMedian / peak,8:0.00}  {blasMedian / peak,13:0.00}  {ownMedian / blasMedian,12:0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"         own {Range(ownRates)}; openblas {(blasRates.Count > 0 ? Range(blasRates) : "n/a")}; fma loop {Range(peakRates)}; verification {ownCase.Check()}"));
        }
    }

    private static string Range(List<double> rates) =>
        string.Create(CultureInfo.InvariantCulture, $"min {rates.Min() / 1e9:0.0} max {rates.Max() / 1e9:0.0}");

    private static CpuDevice OpenWithThreads(string engine, int threads)
    {
        var device = (CpuDevice)new CpuDeviceProvider(engine).Open(0);
        device.Threads = threads;
        return device;
    }

    private static CpuDevice? TryOpen(string engine, int threads)
    {
        try
        {
            return OpenWithThreads(engine, threads);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>One device's A, B and C for an n×n×n product, timed over enough calls to last about half a second.</summary>
    private sealed class GemmCase : IDisposable
    {
        private readonly CpuDevice _device;
        private readonly IDeviceBuffer _a, _b, _c;
        private readonly float[] _hostA, _hostB;
        private readonly GemmDescriptor _g;
        private int _calls = 1;

        public GemmCase(CpuDevice device, int n)
        {
            _device = device;
            _g = new GemmDescriptor { M = n, N = n, K = n };
            var random = new Random(n);
            _hostA = Enumerable.Range(0, n * n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            _hostB = Enumerable.Range(0, n * n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            _a = device.Allocate(n * n);
            _b = device.Allocate(n * n);
            _c = device.Allocate(n * n);
            device.Write<float>(_a, _hostA);
            device.Write<float>(_b, _hostB);
        }

        public void Run() => _device.Ops.Gemm(_g, _a, _b, _c);

        /// <summary>Seconds per call (after the first round sized the call count to about half a second).</summary>
        public double Time()
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < _calls; i++)
            {
                Run();
            }

            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / _calls;
            _calls = Math.Max(1, (int)(0.5 / seconds));
            return seconds;
        }

        /// <summary>Sampled rows of C against a float64 product, with an error bound scaled to K.</summary>
        public string Check()
        {
            int n = _g.N, k = _g.K;
            var row = new float[n];
            var worst = 0.0;
            foreach (var i in new[] { 0, n / 3, n - 1 })
            {
                _device.Read<float>(_c, row, (long)i * n);
                for (var j = 0; j < n; j += Math.Max(1, n / 64))
                {
                    double sum = 0, magnitude = 0;
                    for (var p = 0; p < k; p++)
                    {
                        var term = (double)_hostA[(i * k) + p] * _hostB[(p * n) + j];
                        sum += term;
                        magnitude += Math.Abs(term);
                    }

                    worst = Math.Max(worst, Math.Abs(row[j] - sum) / (k * Math.Pow(2, -24) * magnitude));
                }
            }

            return worst <= 1 ? "passed" : string.Create(CultureInfo.InvariantCulture, $"FAILED (error {worst:0.0}x the bound)");
        }

        public void Dispose()
        {
            _a.Dispose();
            _b.Dispose();
            _c.Dispose();
        }
    }
}
