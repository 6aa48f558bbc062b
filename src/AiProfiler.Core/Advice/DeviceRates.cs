using System.Globalization;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Advice;

/// <summary>
/// The two rates the predictions rest on, from the calibration: the GEMM rate at a prefill shape (the device's own
/// GEMM) and the decode GEMV's weight bandwidth, each falling back to the micro-benchmark ceiling when the
/// workload-shaped one is missing.
/// </summary>
/// <param name="GemmFlopsPerSecond">FLOP/s a prefill-shaped GEMM reaches in the scenario's precision.</param>
/// <param name="DecodeBytesPerSecond">Bytes/s a decode GEMV streams weights at.</param>
/// <param name="Basis">Which calibration, and which figures, e.g. <c>cpu calibrated 2026-12-03T17:55Z: GEMM 181 GFLOP/s, decode 19.2 GB/s</c>.</param>
internal sealed record DeviceRates(double GemmFlopsPerSecond, double DecodeBytesPerSecond, string Basis)
{
    public static DeviceRates From(DeviceCalibration device, WeightPrecision precision)
    {
        var fp32 = device.ComputeFor("fp32");
        var gemm = device.Workloads.FirstOrDefault(w => w.Kind == "prefill-gemm")?.Rate.Median ?? fp32?.Effective ?? 0;
        // A half-precision tensor path is faster than fp32 by its datasheet ratio; on a CPU, halves and quantized
        // weights are widened and multiplied in fp32, so the fp32 GEMM rate holds.
        if (precision.Name is "fp16" or "bf16" && device.ComputeFor(precision.Name) is { } half && fp32 is { DatasheetFlopsPerSecond: > 0 } && device.Kind != "cpu")
        {
            gemm *= half.Effective / fp32.DatasheetFlopsPerSecond;
        }

        var decode = device.Workloads.FirstOrDefault(w => w.Kind == "decode-bandwidth")?.Rate.Median ?? device.EffectiveBandwidth;
        var basis = string.Create(CultureInfo.InvariantCulture,
            $"{device.DeviceId} calibrated {device.MeasuredAt:yyyy-MM-dd'T'HH:mm'Z'}: GEMM {gemm / 1e9:0.#} GFLOP/s, decode {decode / 1e9:0.#} GB/s");
        return new DeviceRates(gemm, decode, basis);
    }
}
