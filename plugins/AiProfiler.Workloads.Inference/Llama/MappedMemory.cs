using System.Buffers;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>A window of a memory-mapped file as <see cref="Memory{T}"/>, so tensors are read where the file lies.</summary>
internal sealed unsafe class MappedMemory(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
