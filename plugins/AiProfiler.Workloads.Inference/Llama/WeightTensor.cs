using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>One tensor's stored bytes in its weight type, as read from a file mapping or produced by quantizing seeded values.</summary>
/// <param name="Type">The stored type.</param>
/// <param name="Bytes">The data: <see cref="DataTypeExtensions.StorageBytes"/> of the tensor's values.</param>
internal readonly record struct WeightTensor(DataType Type, ReadOnlyMemory<byte> Bytes);
