using AiProfiler.Abstractions.Devices;
using System.Globalization;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Advice;

/// <summary>
/// The rates and fixed costs the predictions rest on, from the calibration: the GEMM rate at a prefill shape (the
/// device's own GEMM), the decode GEMV's weight bandwidth in the scenario's precision (else fp32's, else the
/// micro-benchmark's), what a GEMV or attention call costs beyond its bytes, what one small operation costs, and the
/// device-to-host rate the logits come back at.
/// </summary>
/// <param name="GemmFlopsPerSecond">FLOP/s a prefill-shaped GEMM reaches in the scenario's precision.</param>
/// <param name="DecodeBytesPerSecond">Bytes/s a decode GEMV streams weights at, in the scenario's precision.</param>
/// <param name="Basis">Which calibration, and which figures, e.g. <c>cpu calibrated 2026-12-03T17:55Z: GEMM 181 GFLOP/s, decode 19.2 GB/s</c>.</param>
internal sealed record DeviceRates(double GemmFlopsPerSecond, double DecodeBytesPerSecond, string Basis)
{
    /// <summary>Bytes/s the KV cache is read at in decode attention (fp32 activations: the fp32 GEMV's bandwidth).</summary>
    public double CacheBytesPerSecond { get; init; } = DecodeBytesPerSecond;

    /// <summary>Seconds a weight-streaming call (GEMV, attention) costs beyond its bytes; 0 when not calibrated.</summary>
    public double CallSeconds { get; init; }

    /// <summary>Seconds one small operation (norm, bias, activation, row copy) costs in a stream of them; 0 when not calibrated.</summary>
    public double OpSeconds { get; init; }

    /// <summary>
    /// The GEMM rate at a 32-token prompt over the rate at 512 tokens (<c>prefill-gemm-short</c> over <c>prefill-gemm</c>,
    /// fp32), at most 1; 1 when not calibrated.
    /// </summary>
    public double ShortPromptRatio { get; init; } = 1;

    /// <summary>
    /// FLOP/s of the device's causal attention call at a prefill shape (<c>prefill-attention</c>), else the fp32 prefill
    /// GEMM rate; 0 (rates built by hand): the GEMM rate at the prompt's rows.
    /// </summary>
    public double AttentionFlopsPerSecond { get; init; }

    /// <summary>
    /// Bytes/s a prompt's activations go through the small operations between its GEMMs at (<c>prefill-elementwise</c>);
    /// 0 when not calibrated (their traffic is then left out).
    /// </summary>
    public double ElementwiseBytesPerSecond { get; init; }

    /// <summary>Bytes/s results are read back to the host at: the measured copy rate, or memory bandwidth where the device is the host.</summary>
    public double DeviceToHostBytesPerSecond { get; init; }

    /// <summary>The rates for <paramref name="precision"/>; <paramref name="width"/> is the model's width (0: not shape-adjusted).</summary>
    public static DeviceRates From(DeviceCalibration device, WeightPrecision precision, int width = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(precision);
        var fp32 = device.ComputeFor("fp32");
        // Each workload ceiling's Value: the best pass of a rate, the median of the call cost.
        // The prefill rate measured in the scenario's weight type includes what the device spends decoding those
        // weights; a calibration without it falls back to fp32's rate.
        var typed = device.Workload("prefill-gemm", precision.Name)?.Value;
        var gemm = typed ?? device.Workload("prefill-gemm")?.Value ?? fp32?.Effective ?? 0;
        // Failing that, a half-precision tensor path is faster than fp32 by its datasheet ratio; on a CPU, halves and
        // quantized weights are widened and multiplied in fp32, so the fp32 GEMM rate holds.
        if (typed is null && precision.Name is "fp16" or "bf16" && device.ComputeFor(precision.Name) is { } half && fp32 is { DatasheetFlopsPerSecond: > 0 } && device.Kind != "cpu")
        {
            gemm *= half.Effective / fp32.DatasheetFlopsPerSecond;
        }

        gemm *= NarrowFactor(device, width);
        var cache = device.Workload("decode-bandwidth")?.Value ?? device.EffectiveBandwidth;
        var call = device.Workload("call-latency")?.Value ?? 0;
        var decode = device.Workload("decode-bandwidth", precision.Name)?.Value ?? cache;
        decode *= NarrowDecodeFactor(device, precision.Name, width, call);

        var op = device.Workload("op-latency")?.Value ?? 0;
        var attention = device.Workload("prefill-attention")?.Value;
        var elementwise = device.Workload("prefill-elementwise")?.Value ?? 0;
        var shortRatio = device.Workload("prefill-gemm-short")?.Value is > 0 and var shortRate && device.Workload("prefill-gemm")?.Value is > 0 and var wideRate
            ? Math.Min(1, shortRate / wideRate) : 1;
        var basis = string.Create(CultureInfo.InvariantCulture,
            $"{device.DeviceId} calibrated {device.MeasuredAt:yyyy-MM-dd'T'HH:mm'Z'}: GEMM {gemm / 1e9:0.#} GFLOP/s{(shortRatio < 1 ? $" (x{shortRatio:0.##} at 32 tokens)" : "")}{(attention is > 0 ? $", attention {attention / 1e9:0.#} GFLOP/s" : "")}{(elementwise > 0 ? $", element-wise {elementwise / 1e9:0.#} GB/s" : "")}, decode {decode / 1e9:0.#} GB/s{(precision.Name == "fp32" ? "" : " (" + precision.Name + ")")}, call {call * 1e6:0.#} us, op {op * 1e6:0.##} us");
        return new DeviceRates(gemm, decode, basis)
        {
            CacheBytesPerSecond = cache,
            CallSeconds = call,
            OpSeconds = op,
            DeviceToHostBytesPerSecond = device.DeviceToHost?.High ?? device.EffectiveBandwidth,
            ShortPromptRatio = shortRatio,
            ElementwiseBytesPerSecond = elementwise,
            AttentionFlopsPerSecond = attention is > 0 ? attention.Value : device.Workload("prefill-gemm")?.Value ?? gemm,
        };
    }

    /// <summary>
    /// The prefill GEMM rate for prompts of <paramref name="tokens"/>: the calibrated rate from 256 tokens up, the
    /// 32-token rate's share of it at 32 and below, and between the two the ratio interpolated geometrically on
    /// log2(tokens), as <see cref="NarrowFactor"/> does for width (the narrow rate was measured at 256 tokens, so the
    /// two adjustments do not overlap).
    /// </summary>
    public double GemmFlopsPerSecondAt(int tokens) =>
        tokens >= 256 || ShortPromptRatio >= 1 ? GemmFlopsPerSecond
            : GemmFlopsPerSecond * Math.Pow(ShortPromptRatio, 1 - Math.Clamp(Math.Log2(Math.Max(1, tokens) / 32.0) / 3, 0, 1));

    /// <summary>
    /// Decode GEMVs stream as fast as their width lets them: the large weight's rate (<c>decode-bandwidth</c>) from width
    /// 4096 up, the rate of a narrow block's GEMVs read in turn (<c>decode-bandwidth-narrow</c>) at the block's width and
    /// below, and between the two the ratio interpolated geometrically on log2(width). The block is GPT-2 medium's
    /// (1024 wide, four GEMVs stored K×N) in fp32 and Llama-3.2-1B's (2048 wide, seven through
    /// <see cref="AiProfiler.Abstractions.Devices.ITensorOps.LinearWeights"/>) in the other types. The sweep's time
    /// includes each GEMV's fixed cost, which the prediction adds on its own (<c>call-latency</c>), so that much is taken
    /// out of it first; the factor is at most 1. The KV cache keeps the large weight's rate.
    /// </summary>
    private static double NarrowDecodeFactor(DeviceCalibration device, string precision, int width, double callSeconds)
    {
        var narrow = device.Workload("decode-bandwidth-narrow", precision)?.Value ?? 0;
        var wide = device.Workload("decode-bandwidth", precision)?.Value ?? 0;
        if (width <= 0 || width >= 4096 || narrow <= 0 || wide <= 0)
        {
            return 1;
        }

        var fp32 = precision == "fp32";
        var anchor = fp32 ? 1024 : DecodeCostCalibrator.NarrowLinearWidth;
        var calls = fp32 ? DecodeCostCalibrator.NarrowBlock.Count : DecodeCostCalibrator.NarrowLinearBlock.Count;
        double bytes = fp32 ? DecodeCostCalibrator.NarrowBlockBytes : DecodeCostCalibrator.NarrowLinearBlockBytes(DataTypeExtensions.ParseShortName(precision));
        var secondsPerByte = (1 / narrow) - (calls * callSeconds / bytes);
        var ratio = secondsPerByte <= 0 ? 1 : Math.Min(1, 1 / (wide * secondsPerByte));
        return Math.Pow(ratio, 1 - Math.Clamp(Math.Log2((double)width / anchor) / Math.Log2(4096.0 / anchor), 0, 1));
    }

    /// <summary>
    /// A model's GEMMs are as efficient as their dimensions let them be: the 512 × 2048 × 2048 rate holds from width
    /// 2048 up, the 256 × 3072 × 1024 one (<c>prefill-gemm-narrow</c>) at width 1024 and below, and between the two the
    /// ratio is interpolated geometrically on log2(width); every weight type's rate is scaled alike.
    /// </summary>
    private static double NarrowFactor(DeviceCalibration device, int width)
    {
        if (width <= 0 || width >= 2048 || device.Workload("prefill-gemm-narrow")?.Value is not > 0 || device.Workload("prefill-gemm")?.Value is not > 0)
        {
            return 1;
        }

        var ratio = device.Workload("prefill-gemm-narrow")!.Value / device.Workload("prefill-gemm")!.Value;
        return Math.Pow(ratio, 1 - Math.Clamp(Math.Log2(width / 1024.0), 0, 1));
    }
}
