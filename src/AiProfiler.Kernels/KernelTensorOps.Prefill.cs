using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Kernels;

/// <summary>
/// Prefill (many rows of x) of <see cref="LinearWeightsCore"/>: W goes through the device's GEMM engine instead of
/// the fused kernel, which reads and decodes all of W once per row.
/// </summary>
public sealed partial class KernelTensorOps
{
    /// <summary>
    /// Rows from which a typed linear runs as a GEMM. The fused kernel moves rows·|W| bytes (|W|, the stored bytes per
    /// weight, is 0.56 for Q4_0 up to 2 for fp16); the GEMM path moves |W| to decode plus at least 8 bytes per weight
    /// (an fp32 copy written and read back), so it breaks even near 1 + 8/|W| rows: 5 for fp16, 9 for Q8_0, 15 for
    /// Q4_0. 16 is past that for every type and keeps decode batches of up to 16 sequences on the fused kernel, where
    /// the GEMM engine's tiles would be mostly empty.
    /// </summary>
    public const int PrefillRows = 16;

    /// <summary>
    /// Bound of the device-internal scratch (the decoded slice of W, or x rounded to a half type): 16 MiB, which the
    /// workloads' memory estimates do not count, so it is kept small against any device that runs a model. It still
    /// holds 2048 decoded rows of a 2048-wide W, so each GEMM is large enough to run near the engine's speed.
    /// </summary>
    public const long ScratchBytes = 16L << 20;

    private IDeviceBuffer? _scratch;

    /// <summary>Releases the prefill scratch buffer; the device disposes its operations before its memory.</summary>
    public void Dispose()
    {
        _scratch?.Dispose();
        _scratch = null;
    }

    /// <summary>Runs a linear of <see cref="PrefillRows"/> or more rows through the GEMM engine; false leaves it to the fused kernel.</summary>
    private bool TryLinearAsGemm(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        if (rows < PrefillRows || inputs == 0 || !_gemm.Supports(DataType.Float32))
        {
            return false;
        }

        if (weights.Type == DataType.Float32)
        {
            _gemm.Gemm(new GemmDescriptor { M = rows, N = outputs, K = inputs, TransposeB = true, Beta = beta }, x, weights, y);
        }
        else if (_gemm is IHalfInputGemmEngine half && half.SupportsHalfInputs(weights.Type))
        {
            HalfInputLinear(half, x, weights, y, rows, outputs, inputs, beta);
        }
        else
        {
            DecodedLinear(x, weights, y, rows, outputs, inputs, beta);
        }

        return true;
    }

    /// <summary>Decodes slices of W's rows into fp32 scratch and multiplies each into its columns of y.</summary>
    private void DecodedLinear(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        var slice = (int)Math.Clamp(ScratchBytes / sizeof(float) / inputs, 1, outputs);
        var scratch = Scratch((long)slice * inputs * sizeof(float));
        var rowBytes = weights.Type.StorageBytes(inputs);
        for (var first = 0; first < outputs; first += slice)
        {
            var count = Math.Min(slice, outputs - first);
            var values = (long)count * inputs;
            LaunchElements("dequantize_weight_rows", values,
                KernelArgument.Of(weights), KernelArgument.Of(scratch), KernelArgument.Of(values), KernelArgument.Of(inputs),
                KernelArgument.Of(first), KernelArgument.Of(rowBytes), KernelArgument.Of((int)weights.Type));
            _gemm.Gemm(
                new GemmDescriptor { M = rows, N = count, K = inputs, TransposeB = true, Beta = beta, LdC = outputs, OffsetC = first },
                x, scratch, y);
        }
    }

    /// <summary>
    /// fp16/bf16 W multiplied where it lies: chunks of x's rows are rounded to W's type (as llama.cpp's CUDA backend
    /// does before cuBLAS), so each product carries that rounding: relative 2⁻¹¹ (fp16) or 2⁻⁸ (bf16) per x value.
    /// </summary>
    private void HalfInputLinear(IHalfInputGemmEngine half, IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        var chunk = (int)Math.Clamp(ScratchBytes / sizeof(ushort) / inputs, 1, rows);
        var scratch = Scratch((long)chunk * inputs * sizeof(ushort));
        for (var first = 0; first < rows; first += chunk)
        {
            var count = Math.Min(chunk, rows - first);
            var values = (long)count * inputs;
            LaunchElements("linear_input_to_half", values,
                KernelArgument.Of(x), KernelArgument.Of((long)first * inputs), KernelArgument.Of(scratch), KernelArgument.Of(values),
                KernelArgument.Of((int)weights.Type));
            half.GemmHalfInputs(
                new GemmDescriptor { M = count, N = outputs, K = inputs, TransposeB = true, Beta = beta, OffsetC = (long)first * outputs, Type = weights.Type },
                scratch, weights, y);
        }
    }

    /// <summary>The scratch buffer, at least <paramref name="bytes"/> long; it grows to the largest request (at most <see cref="ScratchBytes"/>).</summary>
    private IDeviceBuffer Scratch(long bytes)
    {
        var length = (bytes + sizeof(float) - 1) / sizeof(float);
        if (_scratch is { } current && current.Length >= length)
        {
            return current;
        }

        if (_scratch is not null)
        {
            // Queued GEMMs may still read the old buffer.
            _device.Synchronize();
            _scratch.Dispose();
            _scratch = null;
        }

        _scratch = _device.Allocate(length);
        return _scratch;
    }
}
