using System.Globalization;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Core.Calibration;

/// <summary>
/// The parts of a decode step that the weight bandwidth alone misses, measured through the device's own operations:
/// the decode GEMV's bandwidth in every weight type the device multiplies (a quantized row is decoded as it is read,
/// which can cost more than reading it), the fixed cost of one GEMV call beyond its bytes (spreading the work over
/// the cores or launching the kernel, and starting the memory streams: a 4 MiB layer weight streams slower per byte
/// than a 128 MiB one), and the cost of one small operation (a norm, a bias, a copy of one row) in a stream of them.
/// </summary>
internal static class DecodeCostCalibrator
{
    /// <summary>Weight bytes of one decode GEMV: several times any last-level cache, so the weights come from DRAM.</summary>
    public const long GemvBytes = 128L << 20;

    /// <summary>
    /// Distinct weight bytes a decode-bandwidth probe streams before it reads the same weight again. A set of
    /// <see cref="GemvBytes"/> read again and again still finds part of itself in the last-level cache: on the 2-core
    /// Zen 5 VM, q8_0 GEMVs through Llama-3.2-1B's block streamed at 80–84 GB/s over a 129 MB set, 67–75 over 258 MB,
    /// 64–69 over 517 MB and 63–73 over the whole 1.3 GB model (same process, taking turns), so Llama-3.2-1B q8_0's TPOT
    /// predicted from the small set came out 16–26 % short. Models are larger than this; so are the probes' sets.
    /// </summary>
    public const long StreamBytes = 512L << 20;

    /// <summary>
    /// The decode probes' set under <paramref name="settings"/>: eight of the bandwidth test's arrays, between
    /// <see cref="GemvBytes"/> and <see cref="StreamBytes"/> (the default 64 MiB arrays give the full 512 MiB; the tests'
    /// 4 MiB arrays give 128 MiB, which had doubled the Agent tests' time at 512).
    /// </summary>
    public static long StreamSet(CalibrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Math.Clamp(8 * settings.BandwidthElements * sizeof(float), GemvBytes, StreamBytes);
    }

    /// <summary>
    /// The GEMVs of one 1024-wide block as a decode step issues them, (K, N) with the weight stored K×N: GPT-2 medium's
    /// fused QKV, attention projection, MLP up and MLP down (12, 4, 16 and 16 MiB).
    /// </summary>
    public static readonly IReadOnlyList<(int K, int N)> NarrowBlock = [(1024, 3072), (1024, 1024), (1024, 4096), (4096, 1024)];

    /// <summary>Weight bytes of <see cref="NarrowBlock"/> in fp32.</summary>
    public const long NarrowBlockBytes = 48L << 20;

    /// <summary>
    /// The GEMVs of one 2048-wide Llama-family block as a decode step issues them through
    /// <see cref="ITensorOps.LinearWeights"/>, (outputs, inputs): Llama-3.2-1B's Q, K, V, O, gate, up and down.
    /// </summary>
    public static readonly IReadOnlyList<(int Outputs, int Inputs)> NarrowLinearBlock = [(2048, 2048), (512, 2048), (512, 2048), (2048, 2048), (8192, 2048), (8192, 2048), (2048, 8192)];

    /// <summary>The width of <see cref="NarrowLinearBlock"/>.</summary>
    public const int NarrowLinearWidth = 2048;

    /// <summary>Weight bytes of <see cref="NarrowLinearBlock"/> in <paramref name="type"/>.</summary>
    public static long NarrowLinearBlockBytes(DataType type) => NarrowLinearBlock.Sum(s => type.StorageBytes((long)s.Outputs * s.Inputs));

    /// <summary>Width of a layer-sized weight (1024 × 1024 fp32, 4 MiB: GPT-2 medium's attention projection).</summary>
    public const int LayerWidth = 1024;

    /// <summary>Weight bytes of the first, shorter measurement of each weight type.</summary>
    private const long ProbeBytes = 16L << 20;

    private static readonly DataType[] WeightTypes = [DataType.Float16, DataType.BFloat16, DataType.Q8_0, DataType.Q4_0, DataType.Q4_K, DataType.Q6_K];

    /// <summary>
    /// How many copies of a <paramref name="bytes"/>-byte weight a prefill probe takes turns over so that each pass reads
    /// its weight from memory: together at least <see cref="GemvBytes"/> (several times any last-level cache), at most
    /// a sixteenth of the device's free memory, and at most <see cref="MaxWeightCopies"/>.
    /// </summary>
    public static int WeightCopies(IDevice device, long bytes) => WeightCopies(device, bytes, GemvBytes);

    /// <summary>
    /// How many copies of a <paramref name="bytes"/>-byte weight (or block of weights) add up to at least
    /// <paramref name="total"/> bytes, within a sixteenth of the device's free memory and <see cref="MaxWeightCopies"/>.
    /// </summary>
    public static int WeightCopies(IDevice device, long bytes, long total)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        var wanted = (total + bytes - 1) / bytes;
        var room = Math.Max(1, device.AvailableMemoryBytes / 16 / bytes);
        return (int)Math.Clamp(Math.Min(wanted, room), 1, MaxWeightCopies);
    }

    /// <summary>The most copies <see cref="WeightCopies"/> asks for (weights under 0.5 MiB stay partly cached).</summary>
    public const int MaxWeightCopies = 256;

    /// <summary>
    /// Times <paramref name="call"/> (one operation and a synchronize) and returns <paramref name="amount"/> per second,
    /// repeated for about ten compute passes' worth of time, at least 3 times.
    /// </summary>
    public static MeasuredRate TimeRate(IDevice device, CalibrationSettings settings, Action call, double amount) =>
        TimeRates(device, settings, [(call, amount)])[0];

    /// <summary>
    /// Times several calls taking turns, one pass of each per round, so that what else runs on the machine meanwhile
    /// falls on all of them alike; the rounds are as many as <see cref="TimeRate"/> would give the slowest call.
    /// </summary>
    public static MeasuredRate[] TimeRates(IDevice device, CalibrationSettings settings, IReadOnlyList<(Action Call, double Amount)> calls)
    {
        using var timer = device.CreateTimer();
        double Once(Action call)
        {
            timer.Start();
            call();
            timer.Stop();
            device.Synchronize();
            return timer.ElapsedSeconds;
        }

        var slowest = calls.Max(c => Once(c.Call));
        var repetitions = (int)Math.Clamp(10 * settings.PassSeconds / Math.Max(slowest, 1e-6), 3, settings.Repetitions * 2);
        var rates = calls.Select(_ => new List<double>(repetitions)).ToArray();
        for (var r = 0; r < repetitions; r++)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                rates[i].Add(calls[i].Amount / Once(calls[i].Call));
            }
        }

        return [.. rates.Select(MeasuredRate.FromSamples)];
    }

    /// <summary>
    /// The decode GEMV's weight bandwidth through <see cref="ITensorOps.LinearWeights"/> for each half and quantized
    /// type the device multiplies: one token through about <see cref="GemvBytes"/> of weights in that type.
    /// </summary>
    public static IEnumerable<WorkloadCeiling> QuantizedDecode(IDevice device, CalibrationSettings settings, CancellationToken cancellationToken)
    {
        foreach (var type in WeightTypes.Where(device.Ops.SupportsWeights))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wide = Decode(device, settings, type);
            yield return wide;
            cancellationToken.ThrowIfCancellationRequested();
            yield return NarrowDecodeAfter(device, settings, type, wide);
        }
    }

    /// <summary>
    /// <see cref="NarrowDecode"/> after <paramref name="wide"/>, the same type's <c>decode-bandwidth</c>, over a set the
    /// device streams in at most a tenth of a second at that rate: a device that slow (PoCL, 0.4–2.4 GB/s) is bound by
    /// its kernels, not by a cache, and the full <see cref="StreamBytes"/> set there had doubled the Agent tests' time.
    /// </summary>
    public static WorkloadCeiling NarrowDecodeAfter(IDevice device, CalibrationSettings settings, DataType type, WorkloadCeiling wide)
    {
        ArgumentNullException.ThrowIfNull(wide);
        return NarrowDecode(device, settings, type, Math.Clamp((long)(wide.Rate.High * 0.1), NarrowLinearBlockBytes(type), StreamSet(settings)));
    }

    /// <summary>
    /// <c>decode-bandwidth-narrow</c> in <paramref name="type"/>: one token through the seven weights of a 2048-wide
    /// Llama-family block (<see cref="NarrowLinearBlock"/>) in copies adding up to at least <see cref="StreamBytes"/>, one
    /// after another, as a decode step reads them. Layer-sized GEMVs (down to 1 MiB for K and V in q8_0) stream slower
    /// per byte than the large probe's: Llama-3.2-1B's q8_0 steps came out 22–26 % slower than predicted from it.
    /// </summary>
    public static WorkloadCeiling NarrowDecode(IDevice device, CalibrationSettings settings, DataType type, long setBytes)
    {
        var blockBytes = NarrowLinearBlockBytes(type);
        var blocks = WeightCopies(device, blockBytes, setBytes);
        var weights = new List<(IDeviceBuffer Weight, int Outputs, int Inputs)>();
        try
        {
            for (var b = 0; b < blocks; b++)
            {
                foreach (var (outputs, inputs) in NarrowLinearBlock)
                {
                    weights.Add((ZeroWeights(device, type, (long)outputs * inputs), outputs, inputs));
                }
            }

            var widest = NarrowLinearBlock.Max(s => Math.Max(s.Outputs, s.Inputs));
            using var x = device.Allocate(widest);
            using var y = device.Allocate(widest);
            device.Ops.Fill(x, 0.5f, 0, widest);
            var rate = TimeRate(device, settings, () =>
            {
                foreach (var (weight, outputs, inputs) in weights)
                {
                    device.Ops.LinearWeights(x, weight, y, 1, outputs, inputs, 0f);
                }
            }, (double)blocks * blockBytes);
            return new WorkloadCeiling("decode-bandwidth-narrow", type.ShortName(), rate,
                Invariant($"device LinearWeights over {blocks} copies of a {NarrowLinearWidth}-wide block's weights ({string.Join(", ", NarrowLinearBlock.Select(s => $"1x{s.Outputs}x{s.Inputs}"))}) {type.ShortName()}, weight bytes per second"));
        }
        finally
        {
            foreach (var (weight, _, _) in weights)
            {
                weight.Dispose();
            }
        }
    }

    /// <summary>The decode GEMV's weight bandwidth in <paramref name="type"/> (a half or block-quantized type).</summary>
    public static WorkloadCeiling Decode(IDevice device, CalibrationSettings settings, DataType type)
    {
        // A type whose kernel decodes less than ProbeBytes in 50 ms is bound by decoding, not by memory: a
        // cache-sized weight measures it as well as a 128 MiB one, in an eighth of the time.
        var probe = MeasureLinear(device, settings, type, ProbeBytes);
        return probe.Rate.High * 0.05 < ProbeBytes ? probe : MeasureLinear(device, settings, type, GemvBytes);
    }

    /// <summary>
    /// The prefill rate in each half and quantized type the device multiplies: 512 tokens through a 2048 × 2048 weight
    /// in that type, through the <see cref="ITensorOps.LinearWeights"/> call the inference workload makes. Where the
    /// device decodes the weights before its GEMM (the CPU's fp32 tiles, OpenCL's slices) this includes the decoding;
    /// where it multiplies halves directly (<c>cublasGemmEx</c>) it is the tensor path's rate.
    /// </summary>
    public static IEnumerable<WorkloadCeiling> QuantizedPrefill(IDevice device, CalibrationSettings settings, CancellationToken cancellationToken)
    {
        foreach (var type in WeightTypes.Where(device.Ops.SupportsWeights))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Prefill(device, settings, type);
        }
    }

    /// <summary>The prefill rate with weights in <paramref name="type"/> (a half or block-quantized type).</summary>
    public static WorkloadCeiling Prefill(IDevice device, CalibrationSettings settings, DataType type)
    {
        const int tokens = 512, width = 2048;
        var copies = WeightCopies(device, type.StorageBytes((long)width * width));
        var weights = new List<IDeviceBuffer>(copies);
        try
        {
            for (var i = 0; i < copies; i++)
            {
                weights.Add(ZeroWeights(device, type, (long)width * width));
            }

            using var x = device.Allocate((long)tokens * width);
            using var y = device.Allocate((long)tokens * width);
            device.Ops.Fill(x, 0.5f, 0, (long)tokens * width);
            var next = 0;
            var rate = TimeRate(device, settings, () => device.Ops.LinearWeights(x, weights[next++ % copies], y, tokens, width, width, 0f), 2.0 * tokens * width * width);
            return new WorkloadCeiling("prefill-gemm", type.ShortName(), rate,
                Invariant($"device LinearWeights {tokens}x{width}x{width} {type.ShortName()} over {copies} copies of the weight, weights decoded as the device does"));
        }
        finally
        {
            foreach (var weight in weights)
            {
                weight.Dispose();
            }
        }
    }

    /// <summary><paramref name="values"/> weights of <paramref name="type"/>, all zero: zero blocks are valid in every format (zero scales).</summary>
    private static IDeviceBuffer ZeroWeights(IDevice device, DataType type, long values)
    {
        var weights = device.Allocate(type.StorageLength(values), type);
        // Halves are written as 16-bit words.
        if (type.SizeInBytes() == 2)
        {
            device.Write<ushort>(weights, new ushort[type.StorageLength(values)]);
        }
        else
        {
            device.Write<byte>(weights, new byte[type.StorageLength(values)]);
        }

        return weights;
    }

    /// <summary>
    /// One token through a 4096-input weight of about <paramref name="targetBytes"/>; a weight smaller than
    /// <see cref="StreamBytes"/> comes in copies, one per pass in turn, so that no pass finds the last one's in the cache.
    /// </summary>
    private static WorkloadCeiling MeasureLinear(IDevice device, CalibrationSettings settings, DataType type, long targetBytes)
    {
        const int inputs = 4096;
        var outputs = (int)(targetBytes / type.StorageBytes(inputs));
        var values = (long)outputs * inputs;
        var copies = targetBytes >= GemvBytes ? WeightCopies(device, type.StorageBytes(values), StreamSet(settings)) : 1;
        var weights = new List<IDeviceBuffer>(copies);
        try
        {
            for (var i = 0; i < copies; i++)
            {
                weights.Add(ZeroWeights(device, type, values));
            }

            using var x = device.Allocate(inputs);
            using var y = device.Allocate(outputs);
            device.Ops.Fill(x, 0.5f, 0, inputs);
            var next = 0;
            var rate = TimeRate(device, settings, () => device.Ops.LinearWeights(x, weights[next++ % copies], y, 1, outputs, inputs, 0f), type.StorageBytes(values));
            return new WorkloadCeiling("decode-bandwidth", type.ShortName(), rate,
                Invariant($"device LinearWeights 1x{outputs}x{inputs} {type.ShortName()} over {copies} copies of the weight, weight bytes per second"));
        }
        finally
        {
            foreach (var weight in weights)
            {
                weight.Dispose();
            }
        }
    }

    /// <summary>
    /// The fixed cost of one decode GEMV call: GEMVs through distinct 1024 × 1024 weights, as many as
    /// <see cref="GemvBytes"/> holds (so each comes from DRAM, as a layer's does), timed as a sweep, and right after it
    /// one GEMV through a single weight of the same total size. The sweep's time minus the single GEMV's is what the
    /// sweep's extra calls cost; the two alternate, so a busy machine slows both alike, and each round's difference is
    /// one sample. Unlike a rate, a difference of two times can come out too low as well as too high, so the
    /// predictions use the median of these samples rather than the smallest. (A sweep of a transformer block's shapes,
    /// 1024 × 1024 to 1024 × 4096, was tried: on the CPU it changed nothing, and on PoCL each CLBlast shape's own
    /// inefficiency showed as 1.8 ms per call, making the GPT-2 medium step prediction 26 % too slow.)
    /// </summary>
    public static WorkloadCeiling CallLatency(IDevice device, CalibrationSettings settings)
    {
        const long elements = (long)LayerWidth * LayerWidth;
        var count = (int)(GemvBytes / (elements * sizeof(float)));
        var weights = new List<IDeviceBuffer>(count + 1);
        try
        {
            for (var i = 0; i < count; i++)
            {
                weights.Add(device.Allocate(elements));
                device.Ops.Fill(weights[i], 0.25f, 0, elements);
            }

            var whole = device.Allocate(elements * count);
            weights.Add(whole);
            device.Ops.Fill(whole, 0.25f, 0, elements * count);
            using var x = device.Allocate(LayerWidth * count);
            using var y = device.Allocate(LayerWidth);
            device.Ops.Fill(x, 0.5f, 0, LayerWidth * count);
            var layer = new GemmDescriptor { M = 1, N = LayerWidth, K = LayerWidth };
            var single = new GemmDescriptor { M = 1, N = LayerWidth, K = LayerWidth * count };
            var latencies = new List<double>(settings.Repetitions);
            for (var r = 0; r <= settings.Repetitions; r++)
            {
                var sweep = Seconds(device, () =>
                {
                    for (var i = 0; i < count; i++)
                    {
                        device.Ops.Gemm(layer, x, weights[i], y);
                    }
                });
                var once = Seconds(device, () => device.Ops.Gemm(single, x, whole, y));
                // The first round warms both up.
                if (r > 0)
                {
                    latencies.Add(Math.Max(0, (sweep - once) / (count - 1)));
                }
            }

            return new WorkloadCeiling("call-latency", "fp32", MeasuredRate.FromSamples(latencies),
                Invariant($"{count} device GEMVs 1x{LayerWidth}x{LayerWidth} against one 1x{LayerWidth}x{LayerWidth * count} over the same bytes, alternating: time per extra call"));
        }
        finally
        {
            foreach (var w in weights)
            {
                w.Dispose();
            }
        }
    }

    /// <summary>
    /// One small operation in a stream of them, as a decode step issues norms, biases and cache copies: 64 element-wise
    /// adds of one 256-value row, then one synchronize, per repetition.
    /// </summary>
    public static WorkloadCeiling OpLatency(IDevice device, CalibrationSettings settings)
    {
        const int row = 256, ops = 64;
        using var a = device.Allocate(row);
        using var b = device.Allocate(row);
        device.Ops.Fill(a, 1f, 0, row);
        device.Ops.Fill(b, 2f, 0, row);
        var sweeps = SweepSeconds(device, settings.Repetitions * 2, () =>
        {
            for (var i = 0; i < ops; i++)
            {
                device.Ops.Elementwise(ElementwiseOp.Add, a, b, a, row);
            }
        });
        return new WorkloadCeiling("op-latency", "fp32", MeasuredRate.FromSamples([.. sweeps.Select(s => s / ops)]),
            Invariant($"{ops} device element-wise adds of {row} values, then one synchronize: time per operation"));
    }

    /// <summary>Wall seconds of <paramref name="sweep"/> and a synchronize, after one untimed sweep, <paramref name="repetitions"/> times.</summary>
    private static List<double> SweepSeconds(IDevice device, int repetitions, Action sweep)
    {
        Seconds(device, sweep);
        var seconds = new List<double>(repetitions);
        for (var r = 0; r < repetitions; r++)
        {
            seconds.Add(Seconds(device, sweep));
        }

        return seconds;
    }

    /// <summary>Wall seconds of <paramref name="work"/> and a synchronize.</summary>
    private static double Seconds(IDevice device, Action work)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        work();
        device.Synchronize();
        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
