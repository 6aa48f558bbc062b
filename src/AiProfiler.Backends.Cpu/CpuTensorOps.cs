using System.Numerics.Tensors;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The CPU implementation of every tensor operation, vectorized with <see cref="TensorPrimitives"/> and spread over
/// cores by rows. It is also the reference the accelerator kernels are tested against, so it favours clarity and
/// exact semantics (see <see cref="ITensorOps"/>) over the last few percent.
/// </summary>
internal sealed unsafe partial class CpuTensorOps(CpuDevice device, CpuGemmEngine gemm) : TensorOpsBase(device)
{
    private ParallelOptions _parallel = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    public override string GemmImplementation => gemm.Name;

    /// <summary>The most threads one operation uses (the CPU device's thread count).</summary>
    internal int Threads
    {
        get => _parallel.MaxDegreeOfParallelism;
        set => _parallel = new ParallelOptions { MaxDegreeOfParallelism = value };
    }

    public override bool SupportsGemm(DataType type) => type == DataType.Float32;

    protected override void GemmCore(in GemmDescriptor g, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        gemm.Gemm(g, Ptr(a), Ptr(b), Ptr(c), Threads);
    }

    private static Span<float> Row(float* p, long row, int cols) => new(p + (row * cols), cols);

    /// <summary>Runs <paramref name="body"/> for each row, in parallel when the rows hold enough work.</summary>
    private void Rows(int rows, int cols, Action<int> body)
    {
        if ((long)rows * cols < 32_768 || rows < 2)
        {
            for (var r = 0; r < rows; r++)
            {
                body(r);
            }

            return;
        }

        Split(rows, (first, last) =>
        {
            for (var r = (int)first; r < last; r++)
            {
                body(r);
            }
        });
    }

    /// <summary>Splits <paramref name="count"/> elements into chunks, in parallel when large.</summary>
    private void Chunks(long count, Action<long, int> body)
    {
        const int chunk = 1 << 16;
        if (count <= chunk)
        {
            if (count > 0)
            {
                body(0, (int)count);
            }

            return;
        }

        var chunks = (count + chunk - 1) / chunk;
        Split(chunks, (first, last) =>
        {
            for (var i = first; i < last; i++)
            {
                body(i * chunk, (int)Math.Min(chunk, count - (i * chunk)));
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="range"/>(first, last) over [0, <paramref name="items"/>) in one contiguous share per thread,
    /// on the GEMM's team (<see cref="GemmTeam"/>): its threads are the ones a forward pass keeps spinning between its
    /// GEMMs, so the norms, biases and activations between two GEMMs start at once on every core. Through the thread
    /// pool they waited for pool threads to wake, on cores the team was still spinning on: a GPT-2 medium prefill spent
    /// about 15 % of its time outside its GEMMs and attention. The thread pool is the fallback while the team is busy
    /// (another operation holds it).
    /// </summary>
    private void Split(long items, Action<long, long> range)
    {
        var parts = (int)Math.Min(Threads, items);
        if (parts < 2)
        {
            range(0, items);
            return;
        }

        void Part(int part) => range(items * part / parts, items * (part + 1) / parts);
        if (!GemmTeam.TryRun(parts, Part))
        {
            Parallel.For(0, parts, _parallel, Part);
        }
    }

    // The base class has checked that every buffer belongs to this device, so every buffer is a CpuBuffer.
    private static CpuBuffer Cpu(IDeviceBuffer buffer) => (CpuBuffer)buffer;

    /// <summary>The data of an fp32 buffer the base class has checked.</summary>
    private static float* Ptr(IDeviceBuffer buffer) => (float*)Cpu(buffer).Pointer;

    /// <summary>The data of an int32 buffer the base class has checked.</summary>
    private static int* IntPtr(IDeviceBuffer buffer) => (int*)Cpu(buffer).Pointer;
}
