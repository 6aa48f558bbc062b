using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Core.Calibration;

/// <summary>
/// Measures one device's ceilings: fp32 (and, where the hardware has it, int8) FMA throughput, memory bandwidth with
/// the triad's traffic (two arrays read, one written) through the device's own element-wise add, and on accelerators
/// the host↔device copy bandwidth. Each ceiling is repeated; the best pass is the ceiling, the median and range its spread.
/// </summary>
internal static class DeviceCalibrator
{
    private const int AttentionHeads = 16, AttentionTokens = 512, AttentionDim = 64;

    // 256 tokens × 4096 values.
    private const long ElementwiseValues = 1L << 20;

    public static DeviceCalibration Calibrate(IDevice device, DateTimeOffset now, CalibrationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);

        // Each measurement takes a second or two: a stop asked for between them ends the calibration there.
        T Step<T>(Func<T> measure)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return measure();
        }

        var info = device.Info;
        var isCpu = info.Kind == DeviceKind.Cpu;
        var elements = Math.Max(1 << 16, Math.Min(settings.BandwidthElements, device.AvailableMemoryBytes / (4 * 3 * sizeof(float))));
        return new DeviceCalibration
        {
            DeviceId = info.Id,
            DeviceName = info.Name,
            Kind = info.Kind.ToString().ToLowerInvariant(),
            MemoryBytes = info.MemoryBytes,
            MeasuredAt = now,
            Compute = Step(() => isCpu ? CpuCompute(info, settings) : AcceleratorCompute(device, settings)),
            Bandwidth = Step(() => Bandwidth(device, elements, settings.Repetitions * 2)),
            DatasheetBandwidthBytesPerSecond = isCpu ? 0 : info.PeakBandwidthBytesPerSecond,
            HostToDevice = isCpu ? null : Step(() => Transfer(device, elements, settings.Repetitions, toDevice: true)),
            DeviceToHost = isCpu ? null : Step(() => Transfer(device, elements, settings.Repetitions, toDevice: false)),
            Workloads = Step(() => WorkloadCeilings(device, settings, cancellationToken)),
            DatasheetSource = info.PeakSource,
        };
    }

    /// <summary>
    /// The ceilings a prediction in <paramref name="precision"/> rests on, measured again now: the prefill GEMM rates
    /// (wide, narrow, short and in the weight type), the prefill attention rate and the decode GEMV's bandwidth (fp32 and in the weight type). The result is
    /// <paramref name="calibrated"/> with those ceilings replaced; the fixed costs and the micro-benchmarks are kept.
    /// <c>advise --validate</c> predicts its runs from this as well as from the calibration, to tell a model that is
    /// wrong from a machine that has changed since it was calibrated (a shared VM's memory bandwidth moves by 2× within
    /// minutes).
    /// </summary>
    public static DeviceCalibration Recheck(IDevice device, DeviceCalibration calibrated, string precision, DateTimeOffset now, CalibrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(calibrated);
        var fresh = new List<WorkloadCeiling>([.. PrefillGemms(device, settings), .. DecodeGemvs(device, settings)]);
        if (precision != "fp32" && calibrated.Workload("decode-bandwidth", precision) is not null)
        {
            var type = DataTypeExtensions.ParseShortName(precision);
            var wide = DecodeCostCalibrator.Decode(device, settings, type);
            fresh.Add(wide);
            fresh.Add(DecodeCostCalibrator.NarrowDecodeAfter(device, settings, type, wide));
            fresh.Add(DecodeCostCalibrator.Prefill(device, settings, type));
        }

        return calibrated with
        {
            MeasuredAt = now,
            Workloads = [.. calibrated.Workloads.Select(w => fresh.Find(f => f.Kind == w.Kind && f.Precision == w.Precision) ?? w)],
        };
    }

    /// <summary>
    /// The ceilings the advisor predicts inference from: the prefill GEMM rate and the decode GEMV's bandwidth (each in
    /// fp32 and every other weight type the device multiplies), and the fixed costs of a decode step's calls and small operations.
    /// </summary>
    private static List<WorkloadCeiling> WorkloadCeilings(IDevice device, CalibrationSettings settings, CancellationToken cancellationToken)
    {
        List<WorkloadCeiling> ceilings = [.. PrefillGemms(device, settings), .. DecodeGemvs(device, settings)];
        ceilings.AddRange(DecodeCostCalibrator.QuantizedDecode(device, settings, cancellationToken));
        ceilings.AddRange(DecodeCostCalibrator.QuantizedPrefill(device, settings, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        ceilings.Add(DecodeCostCalibrator.CallLatency(device, settings));
        ceilings.Add(DecodeCostCalibrator.OpLatency(device, settings));
        return ceilings;
    }

    /// <summary>
    /// The GEMM rates at prefill shapes, with the device's own GEMM (the one the inference and fine-tuning workloads
    /// call): <c>prefill-gemm</c>, 512 tokens through a 2048 × 2048 weight; <c>prefill-gemm-narrow</c>, 256 tokens through
    /// a 1024 × 3072 weight (GPT-2 medium's fused QKV), which the advisor interpolates for models between 1024 and 2048
    /// wide (packing and the threads' start weigh more in smaller GEMMs); and <c>prefill-gemm-short</c>, 32 tokens
    /// through the 2048 × 2048 weight, interpolated for prompts between 32 and 256 tokens (each packed weight panel
    /// serves fewer rows, and a GPU's or CLBlast's tiles are mostly empty). The advisor uses the last two as ratios to the
    /// first, so the three take turns pass by pass: a neighbour that slows the machine for a while slows all three; and
    /// <c>prefill-attention</c> (<see cref="PrefillAttention"/>) takes turns with them, since a prompt's time is the sum
    /// of both (measured apart, the two moved independently on the shared VM: attention 43–217 GFLOP/s in an afternoon).
    /// Each pass multiplies the next of several copies of the weight (<see cref="DecodeCostCalibrator.WeightCopies"/>),
    /// so the weight comes from memory as a model's do in a prompt: one weight used again and again stayed in the
    /// cache, and GPT-2 medium's 256-token TTFT came out 20–29 % under the measured one on the 2-core VM, the time the
    /// CPU's GEMM spends packing weight panels from DRAM (15 % of that prefill) missing from the rate.
    /// </summary>
    private static List<WorkloadCeiling> PrefillGemms(IDevice device, CalibrationSettings settings)
    {
        (string Kind, GemmDescriptor Gemm)[] shapes =
        [
            ("prefill-gemm", new GemmDescriptor { M = 512, N = 2048, K = 2048 }),
            ("prefill-gemm-narrow", new GemmDescriptor { M = 256, N = 3 * 1024, K = 1024 }),
            ("prefill-gemm-short", new GemmDescriptor { M = 32, N = 2048, K = 2048 }),
        ];
        var buffers = new List<IDeviceBuffer>();
        try
        {
            var calls = shapes.Select(shape =>
            {
                var g = shape.Gemm;
                var a = device.Allocate((long)g.M * g.K);
                buffers.Add(a);
                var weights = Enumerable.Range(0, DecodeCostCalibrator.WeightCopies(device, (long)g.K * g.N * sizeof(float))).Select(_ =>
                {
                    var b = device.Allocate((long)g.K * g.N);
                    buffers.Add(b);
                    device.Ops.Fill(b, 0.25f, 0, (long)g.K * g.N);
                    return b;
                }).ToArray();
                var c = device.Allocate((long)g.M * g.N);
                buffers.Add(c);
                device.Ops.Fill(a, 0.5f, 0, (long)g.M * g.K);
                var next = 0;
                return ((Action)(() => device.Ops.Gemm(g, a, weights[next++ % weights.Length], c)), 2.0 * g.M * g.N * g.K);
            }).ToList();
            calls.Add(PrefillAttention(device, buffers));
            calls.Add(PrefillElementwise(device, buffers));
            var rates = DecodeCostCalibrator.TimeRates(device, settings, calls);
            var ceilings = shapes.Zip(rates, (shape, rate) => new WorkloadCeiling(shape.Kind, "fp32", rate,
                Units($"device GEMM {shape.Gemm.M}x{shape.Gemm.N}x{shape.Gemm.K} ({device.Ops.GemmImplementation})"))).ToList();
            ceilings.Add(new WorkloadCeiling("prefill-attention", "fp32", rates[^2],
                Units($"device causal attention B=1 H={AttentionHeads} N={AttentionTokens} d={AttentionDim}, 4·H·d·N²/2 FLOPs")));
            ceilings.Add(new WorkloadCeiling("prefill-elementwise", "fp32", rates[^1],
                Units($"device element-wise add of {ElementwiseValues} values (a 256-token prompt's 4096-wide activation), bytes read and written per second")));
            return ceilings;
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
        }
    }

    /// <summary>
    /// The prefill attention rate: the device's causal attention call (the one the inference workload makes for a
    /// prompt, after its Q/K/V GEMMs) over 16 heads of 64 and 512 tokens, counted as the advisor counts it,
    /// 4·H·d·N²/2 FLOPs. It is not the GEMM rate: on an H200 this kernel ran at 0.9 TFLOP/s while cuBLAS ran the
    /// prompt's GEMMs at 29, and GPT-2 medium's time to first token, predicted with attention at the GEMM rate, came
    /// out 27 % short at 256 tokens and further short the longer the prompt (its measured TTFT grew by 5 ms from 128 to
    /// 256 tokens and by 16 ms from 256 to 512, the quadratic term). Returns the call and its FLOPs for
    /// <see cref="PrefillGemms"/> to time; its buffers go into <paramref name="buffers"/>, which the caller disposes.
    /// </summary>
    private static (Action Call, double Flops) PrefillAttention(IDevice device, List<IDeviceBuffer> buffers)
    {
        var attention = new AttentionDescriptor { Batch = 1, Heads = AttentionHeads, QueryLength = AttentionTokens, KeyLength = AttentionTokens, HeadDim = AttentionDim, Causal = true };
        const long values = (long)AttentionHeads * AttentionTokens * AttentionDim;
        var q = device.Allocate(values);
        buffers.Add(q);
        var k = device.Allocate(values);
        buffers.Add(k);
        var v = device.Allocate(values);
        buffers.Add(v);
        var o = device.Allocate(values);
        buffers.Add(o);
        device.Ops.Fill(q, 0.01f, 0, values);
        device.Ops.Fill(k, 0.02f, 0, values);
        device.Ops.Fill(v, 0.5f, 0, values);
        // Warm up for half a second first: the CPU kernel's per-row helpers start as unoptimized code and .NET swaps in
        // the optimized ones in the background after their first calls, which a fresh `calibrate` process measured as
        // 43 GFLOP/s against 135 for the same call once warm.
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 3 || warm.Elapsed.TotalSeconds < 0.5; i++)
        {
            device.Ops.Attention(attention, q, k, v, o);
            device.Synchronize();
        }

        return (() => device.Ops.Attention(attention, q, k, v, o), 2.0 * AttentionHeads * AttentionDim * AttentionTokens * (double)AttentionTokens);
    }

    /// <summary>
    /// The rate a prompt's activations go through the small operations between its GEMMs (norms, bias adds, GELU or
    /// SiLU, the axis swaps around attention), as bytes read and written per second: the device's element-wise add over
    /// <see cref="ElementwiseValues"/> values, an activation the size of a 256-token prompt's widest one (it sits in a
    /// CPU's L2 or L3; the DRAM triad would be too slow a rate for it, the 256-value op-latency probe too fast). On
    /// the 2-core VM these operations were 10–15 % of a GPT-2 medium prefill, a time the GEMM and attention rates left
    /// out. Returns the call and its bytes for <see cref="PrefillGemms"/> to time.
    /// </summary>
    private static (Action Call, double Bytes) PrefillElementwise(IDevice device, List<IDeviceBuffer> buffers)
    {
        var a = device.Allocate(ElementwiseValues);
        buffers.Add(a);
        var b = device.Allocate(ElementwiseValues);
        buffers.Add(b);
        var y = device.Allocate(ElementwiseValues);
        buffers.Add(y);
        device.Ops.Fill(a, 0.5f, 0, ElementwiseValues);
        device.Ops.Fill(b, 0.25f, 0, ElementwiseValues);
        return (() => device.Ops.Elementwise(ElementwiseOp.Add, a, b, y, ElementwiseValues), 3.0 * ElementwiseValues * sizeof(float));
    }

    /// <summary>
    /// The decode GEMV's bandwidth, two ways taking turns pass by pass: <c>decode-bandwidth</c>, one token through a
    /// 4096 × 8192 weight (128 MiB; copies adding up to <see cref="DecodeCostCalibrator.StreamBytes"/>, one per pass in
    /// turn, so none is still in the cache), and <c>decode-bandwidth-narrow</c>, one token through the four weights of a
    /// 1024-wide block (<see cref="DecodeCostCalibrator.NarrowBlock"/>, stored K×N as GPT-2 stores them) in copies adding
    /// up to the same, one after another, as a decode step reads them. A 1024-wide model's GEMVs stream
    /// slower per byte than the big one, beyond the fixed cost per call: on the 2-core VM 44–54 GB/s for GPT-2 medium's
    /// four shapes against 58 for the 128 MiB weight, and a GPT-2 medium step's GEMV calls (95 % of the step) streamed
    /// at about 50 GB/s, so TPOT predicted from the big weight alone came out 10–29 % short.
    /// </summary>
    private static List<WorkloadCeiling> DecodeGemvs(IDevice device, CalibrationSettings settings)
    {
        const int k = 4096, n = 8192;
        var buffers = new List<IDeviceBuffer>();
        try
        {
            IDeviceBuffer Buffer(long values, float fill)
            {
                var buffer = device.Allocate(values);
                buffers.Add(buffer);
                device.Ops.Fill(buffer, fill, 0, values);
                return buffer;
            }

            var wide = new GemmDescriptor { M = 1, N = n, K = k };
            var x = Buffer(k, 0.5f);
            var y = Buffer(n, 0f);
            var copies = DecodeCostCalibrator.WeightCopies(device, (long)k * n * sizeof(float), DecodeCostCalibrator.StreamSet(settings));
            var weights = Enumerable.Range(0, copies).Select(_ => Buffer((long)k * n, 0.25f)).ToArray();
            var next = 0;
            var blocks = DecodeCostCalibrator.WeightCopies(device, DecodeCostCalibrator.NarrowBlockBytes, DecodeCostCalibrator.StreamSet(settings));
            var narrow = Enumerable.Range(0, blocks).SelectMany(_ => DecodeCostCalibrator.NarrowBlock.Select(shape =>
                (Gemm: new GemmDescriptor { M = 1, N = shape.N, K = shape.K }, Weight: Buffer((long)shape.K * shape.N, 0.25f)))).ToList();
            var rates = DecodeCostCalibrator.TimeRates(device, settings,
            [
                (() => device.Ops.Gemm(wide, x, weights[next++ % copies], y), (double)k * n * sizeof(float)),
                (() =>
                {
                    foreach (var (gemm, w) in narrow)
                    {
                        device.Ops.Gemm(gemm, x, w, y);
                    }
                }, (double)blocks * DecodeCostCalibrator.NarrowBlockBytes),
            ]);
            var block = string.Join(", ", DecodeCostCalibrator.NarrowBlock.Select(s => $"1x{s.N}x{s.K}"));
            return
            [
                new WorkloadCeiling("decode-bandwidth", "fp32", rates[0], Units($"device GEMV 1x{n}x{k} ({device.Ops.GemmImplementation}) over {copies} copies of the weight, weight bytes per second")),
                new WorkloadCeiling("decode-bandwidth-narrow", "fp32", rates[1], Units($"device GEMVs over {blocks} copies of a 1024-wide block's weights ({block}), weight bytes per second")),
            ];
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
        }
    }

    /// <summary>Times <paramref name="gemm"/>; returns <paramref name="amount"/> (FLOPs or bytes) per second, repeated within about 2 s.</summary>
    private static MeasuredRate TimeGemm(IDevice device, GemmDescriptor gemm, CalibrationSettings settings, double amount)
    {
        using var a = device.Allocate((long)gemm.M * gemm.K);
        using var b = device.Allocate((long)gemm.K * gemm.N);
        using var c = device.Allocate((long)gemm.M * gemm.N);
        device.Ops.Fill(a, 0.5f, 0, (long)gemm.M * gemm.K);
        device.Ops.Fill(b, 0.25f, 0, (long)gemm.K * gemm.N);
        return DecodeCostCalibrator.TimeRate(device, settings, () => device.Ops.Gemm(gemm, a, b, c), amount);
    }

    private static string Units(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static List<ComputeCeiling> CpuCompute(DeviceInfo info, CalibrationSettings settings)
    {
        var threads = Environment.ProcessorCount;
        var ceilings = new List<ComputeCeiling>
        {
            new("fp32", CpuFmaBenchmark.MeasureFp32(threads, settings.PassSeconds, settings.Repetitions), info.PeakFlopsPerSecond,
                string.Create(CultureInfo.InvariantCulture, $"{CpuFmaBenchmark.Fp32Path}, {threads} threads x 12 accumulators")),
        };
        var flags = CpuFeatureFlags.Read();
        if (flags.Contains("avx512_bf16"))
        {
            // vdpbf16ps does two bf16 multiply-adds per fp32 lane; .NET 10 has no intrinsic for it, so it stays an estimate.
            ceilings.Add(new ComputeCeiling("bf16", null, 2 * info.PeakFlopsPerSecond, "avx512_bf16 present; not measurable from .NET 10 (no intrinsic): datasheet only"));
        }

        if (CpuFmaBenchmark.MeasureInt8(threads, settings.PassSeconds, settings.Repetitions) is { } int8)
        {
            // vpdpbusd on 256 bits: 32 byte pairs, 64 operations per instruction, against 2 x lanes for an fp32 FMA.
            var lanes = info.PeakFlopsPerSecond > 0 && CpuFmaBenchmark.Fp32Path.StartsWith("avx512", StringComparison.Ordinal) ? 16 : 8;
            ceilings.Add(new ComputeCeiling("int8", int8, info.PeakFlopsPerSecond * 64 / (2.0 * lanes),
                string.Create(CultureInfo.InvariantCulture, $"{CpuFmaBenchmark.Int8Path}, {threads} threads x 12 accumulators")));
        }

        return ceilings;
    }

    private static List<ComputeCeiling> AcceleratorCompute(IDevice device, CalibrationSettings settings)
    {
        var info = device.Info;
        var ceilings = new List<ComputeCeiling> { new("fp32", MeasureKernelFma(device, settings), info.PeakFlopsPerSecond, MethodOf(device)) };
        foreach (var (type, peak) in info.PeakFlopsByType.Where(p => p.Key != DataType.Float32).OrderBy(p => p.Key))
        {
            var size = TensorGemmSize(device);
            ceilings.Add(TensorGemm(device, type, settings, size) is { } rate
                ? new ComputeCeiling(type.ShortName(), rate, peak,
                    Units($"device GEMM {size}x{size}x{size} {type.ShortName()} ({device.Ops.GemmImplementation}), random inputs: the best rate the tensor path reached"))
                : new ComputeCeiling(type.ShortName(), null, peak, Units($"the device's GEMM does not take {type.ShortName()}: datasheet only")));
        }

        return ceilings;
    }

    /// <summary>8192 (a product long enough to keep a large GPU's tensor cores busy, 384 MiB in fp16) where the device
    /// has room for it many times over, else 2048.</summary>
    private static int TensorGemmSize(IDevice device) => device.AvailableMemoryBytes >= 16L << 30 ? 8192 : 2048;

    /// <summary>
    /// The half-precision tensor path measured the way it is used, through the device's GEMM in <paramref name="type"/>
    /// (cuBLAS's cublasGemmEx with fp32 accumulation): a square product of random values in [−1, 1] (zeros would run
    /// faster than real data on tensor cores). Null where the device's GEMM does not take the type.
    /// </summary>
    internal static MeasuredRate? TensorGemm(IDevice device, DataType type, CalibrationSettings settings, int size)
    {
        if (!device.Ops.SupportsGemm(type))
        {
            return null;
        }

        var values = (long)size * size;
        var random = new Random(17);
        var host = new float[values];
        for (var i = 0; i < host.Length; i++)
        {
            host[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var stored = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(QuantizedBlocks.Quantize(type, host));
        using var a = device.Allocate(values, type);
        using var b = device.Allocate(values, type);
        using var c = device.Allocate(values, type);
        device.Write<ushort>(a, stored);
        device.Write<ushort>(b, stored);
        var gemm = new GemmDescriptor { M = size, N = size, K = size, Type = type };
        return DecodeCostCalibrator.TimeRate(device, settings, () => device.Ops.Gemm(gemm, a, b, c), 2.0 * size * size * size);
    }

    internal static string MethodOf(IDevice device) => device.Kernels is not null
        ? string.Create(CultureInfo.InvariantCulture, $"portable fma kernel, {WorkItems(device.Info)} work-items x 8 chains")
        : device.GetCapability<IFmaProbe>() is { } probe
            ? string.Create(CultureInfo.InvariantCulture, $"{probe.FmaProbeMethod}, {WorkItems(device.Info)} work-items x 8 chains")
            : "no kernel compiler: datasheet only";

    private static long WorkItems(DeviceInfo info) => Math.Max(1, info.ComputeUnits) * 2048L;

    internal static MeasuredRate? MeasureKernelFma(IDevice device, CalibrationSettings settings)
    {
        if (device.Kernels is null)
        {
            // Devices whose kernels are not in the portable dialect (ILGPU's C# kernels) may run the same probe themselves.
            return device.GetCapability<IFmaProbe>() is { } probe
                ? MeasureFma(settings, WorkItems(device.Info), iterations => probe.TimeFmaChains(WorkItems(device.Info), iterations))
                : null;
        }

        var items = WorkItems(device.Info);
        using var kernel = device.Kernels.Compile(AcceleratorFmaKernel.Source, AcceleratorFmaKernel.Name);
        using var output = device.Allocate(items);
        using var timer = device.CreateTimer();
        double Pass(int iterations)
        {
            timer.Start();
            kernel.Launch(new KernelRange(items), new KernelRange(64), KernelArgument.Of(output), KernelArgument.Of(iterations));
            timer.Stop();
            device.Synchronize();
            return timer.ElapsedSeconds;
        }

        return MeasureFma(settings, items, Pass);
    }

    /// <summary>
    /// Times <paramref name="pass"/> (one launch of <paramref name="items"/> work-items for a number of iterations,
    /// returning seconds) at a count that takes about a compute pass, repeated; FLOP/s at 16 per item and iteration.
    /// </summary>
    private static MeasuredRate MeasureFma(CalibrationSettings settings, long items, Func<int, double> pass)
    {
        var count = 256;
        var probe = pass(count);
        count = (int)Math.Clamp(count * settings.PassSeconds / Math.Max(probe, 1e-6), 256, int.MaxValue / 2);
        var rates = new List<double>(settings.Repetitions);
        for (var r = 0; r < settings.Repetitions; r++)
        {
            rates.Add((double)items * count * AcceleratorFmaKernel.FlopsPerIteration / pass(count));
        }

        return MeasuredRate.FromSamples(rates);
    }

    private static MeasuredRate Bandwidth(IDevice device, long elements, int repetitions)
    {
        using var a = device.Allocate(elements);
        using var b = device.Allocate(elements);
        using var c = device.Allocate(elements);
        device.Ops.Fill(b, 1f, 0, elements);
        device.Ops.Fill(c, 2f, 0, elements);
        device.Ops.Elementwise(ElementwiseOp.Add, b, c, a, elements);
        device.Synchronize();
        using var timer = device.CreateTimer();
        var rates = new List<double>(repetitions);
        for (var r = 0; r < repetitions; r++)
        {
            timer.Start();
            device.Ops.Elementwise(ElementwiseOp.Add, b, c, a, elements);
            timer.Stop();
            device.Synchronize();
            rates.Add(3.0 * sizeof(float) * elements / timer.ElapsedSeconds);
        }

        return MeasuredRate.FromSamples(rates);
    }

    private static MeasuredRate Transfer(IDevice device, long elements, int repetitions, bool toDevice)
    {
        var host = new float[elements];
        using var buffer = device.Allocate(elements);
        var rates = new List<double>(repetitions);
        for (var r = 0; r <= repetitions; r++)
        {
            var start = Stopwatch.GetTimestamp();
            if (toDevice)
            {
                device.Write<float>(buffer, host);
                device.Synchronize();
            }
            else
            {
                device.Read<float>(buffer, host);
            }

            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (r > 0)
            {
                rates.Add(sizeof(float) * elements / seconds);
            }
        }

        return MeasuredRate.FromSamples(rates);
    }
}
